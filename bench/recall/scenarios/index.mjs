// Every scenario, dev half first. Each kind has one conversation in each split (dev, heldout,
// heldout2, heldout3, heldout4, heldout5); the splits share no source excerpt (sources/*-dev.txt, *-heldout.txt,
// *-heldout2.txt, *-heldout3.txt, *-heldout4.txt, *-heldout5.txt) and no fact. heldout2 is a second, fresh held-out
// half, written after the first one was used; heldout3 a third, written without looking at the
// extractor, with facts stated less literally still (paraphrased questions, changes, values in tool
// calls); heldout4 a fourth, also written without looking at the extractor, adding corrections
// ("not the 14th — the 16th"), values in pasted tables, attributed statements, restated
// confirmations and numbers with units and thousands separators; heldout5 a fifth, written the same
// way, with new sources, products and facts, owners named by role and retry policies in prose,
// configs and code.
import codingDev from './coding-dev.mjs';
import supportDev from './support-dev.mjs';
import planningDev from './planning-dev.mjs';
import multilingualDev from './multilingual-dev.mjs';
import agentDev from './agent-dev.mjs';
import documentsDev from './documents-dev.mjs';
import codingHeldout from './coding-heldout.mjs';
import supportHeldout from './support-heldout.mjs';
import planningHeldout from './planning-heldout.mjs';
import multilingualHeldout from './multilingual-heldout.mjs';
import agentHeldout from './agent-heldout.mjs';
import documentsHeldout from './documents-heldout.mjs';
import codingHeldout2 from './coding-heldout2.mjs';
import supportHeldout2 from './support-heldout2.mjs';
import planningHeldout2 from './planning-heldout2.mjs';
import multilingualHeldout2 from './multilingual-heldout2.mjs';
import agentHeldout2 from './agent-heldout2.mjs';
import documentsHeldout2 from './documents-heldout2.mjs';
import codingHeldout3 from './coding-heldout3.mjs';
import supportHeldout3 from './support-heldout3.mjs';
import planningHeldout3 from './planning-heldout3.mjs';
import multilingualHeldout3 from './multilingual-heldout3.mjs';
import agentHeldout3 from './agent-heldout3.mjs';
import documentsHeldout3 from './documents-heldout3.mjs';
import codingHeldout4 from './coding-heldout4.mjs';
import supportHeldout4 from './support-heldout4.mjs';
import planningHeldout4 from './planning-heldout4.mjs';
import multilingualHeldout4 from './multilingual-heldout4.mjs';
import agentHeldout4 from './agent-heldout4.mjs';
import documentsHeldout4 from './documents-heldout4.mjs';
import codingHeldout5 from './coding-heldout5.mjs';
import supportHeldout5 from './support-heldout5.mjs';
import planningHeldout5 from './planning-heldout5.mjs';
import multilingualHeldout5 from './multilingual-heldout5.mjs';
import agentHeldout5 from './agent-heldout5.mjs';
import documentsHeldout5 from './documents-heldout5.mjs';

export const SCENARIOS = [
  codingDev, supportDev, planningDev, multilingualDev, agentDev, documentsDev,
  codingHeldout, supportHeldout, planningHeldout, multilingualHeldout, agentHeldout, documentsHeldout,
  codingHeldout2, supportHeldout2, planningHeldout2, multilingualHeldout2, agentHeldout2, documentsHeldout2,
  codingHeldout3, supportHeldout3, planningHeldout3, multilingualHeldout3, agentHeldout3, documentsHeldout3,
  codingHeldout4, supportHeldout4, planningHeldout4, multilingualHeldout4, agentHeldout4, documentsHeldout4,
  codingHeldout5, supportHeldout5, planningHeldout5, multilingualHeldout5, agentHeldout5, documentsHeldout5,
];
