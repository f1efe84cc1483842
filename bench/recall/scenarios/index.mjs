// Every scenario, dev half first. Each kind has one dev and one heldout conversation; the two
// halves share no source excerpt (sources/*-dev.txt vs sources/*-heldout.txt) and no fact.
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

export const SCENARIOS = [
  codingDev, supportDev, planningDev, multilingualDev, agentDev, documentsDev,
  codingHeldout, supportHeldout, planningHeldout, multilingualHeldout, agentHeldout, documentsHeldout,
];
