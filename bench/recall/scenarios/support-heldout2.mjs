import { F, U, A } from './dsl.mjs';

export default {
  id: 'support-kestrelkey',
  kind: 'support',
  split: 'heldout2',
  title: 'Support chat: a game studio\'s build engineer and the Kestrelkey signing-service support assistant, with knowledge-base excerpts (gpg, ssh-keygen, git-stash manuals)',
  system: 'You are the support assistant of Kestrelkey, a hosted service for signing software releases and managing SSH and OpenPGP keys. Quote the documentation when it helps, keep answers practical, and never ask for private key material.',
  opening: 'hello. I do builds and release engineering at Bramblewick Games (small studio, 14 people). We moved our release signing to you last month and it has been bumpy, so I have a pile of questions, sorry in advance.',
  units: 200,
  pools: { kb: { files: ['support-heldout2.txt'], min: 250, max: 800 } },
  final: 'Thanks. Can you put together a one-page "how we sign a release" note I can pin in our team channel?',
  facts: [
    F('workspace', 'account_id', "What is the studio's Kestrelkey workspace id?", ['kk-ws-55120'], [
      A('So I can look at the right configuration: what is your workspace id? It is shown in the top-left corner of the dashboard, under the studio name.'),
      U('one sec, I am on my phone'),
      U('it says kk-ws-55120', { gap: 2 }),
    ]),
    F('ci', 'technology', 'Which CI system does the studio build on?', ['woodpecker'], [
      U('A bit about our setup so you do not have to guess. Builds run on woodpecker, self-hosted, on two machines in our office. Each tagged build produces a Windows and a Linux package that need signing. We did not use any signing before, so I am learning as we go.'),
    ]),
    F('policy-file', 'file_created', 'Which policy file did the customer add to the repository?', ['.kestrel/policy.yaml'], [
      A('Signing policies are read from the repository, so the rules travel with the code. The file is YAML, it lists which branches may request a release signature and which key they use.'),
      U('Created .kestrel/policy.yaml with just the main branch in it for now. Is that enough to start?'),
      A('Yes, that is a good minimal policy.'),
    ]),
    F('sign-quota', 'rate_limit', 'How many signatures per minute does the signing API accept?', ['thirty signatures a minute', '30 signatures a minute'], [
      U('Is there a cap on how fast we can request signatures? Our build signs every file in the package separately.'),
      A('There is a limit per workspace. On your plan the signing API accepts thirty signatures a minute; requests above that are answered with HTTP 429 and a Retry-After header. If your packages contain hundreds of files, sign a manifest of their hashes instead of each file — that is one signature per build and also faster to verify.'),
      U('ok, manifest it is'),
    ]),
    F('agent-host', 'host', 'On which host does the studio run the signing agent?', ['sign-agent.bramblewick.games'], [
      U('We followed your guide and installed the agent. It runs on its own small VM, sign-agent.bramblewick.games, which only the build machines can reach. The firewall is closed to everything else. Does the agent need any inbound port from your side?'),
      A('No inbound port is needed; the agent opens an outbound TLS connection to us and keeps it open.'),
    ]),
    F('launch', 'deadline', 'By when must signed builds work?', ['Friday before Easter'], [
      A('Is there a date you are working towards? That helps me decide whether to escalate.'),
      U('Yes, sort of. Our early access build goes out on the Friday before Easter and Steam will refuse unsigned installers for the partner program, so signing has to work by then. Before that nothing is public.', { gap: 2 }),
    ]),
    F('manifest-fn', 'function_added', 'Which function did the studio add to its launcher?', ['verify_release_manifest'], [
      A('On the player side, the launcher should check the signed manifest before it starts the game, otherwise the signature protects nothing.'),
      U('Tom added verify_release_manifest() to the launcher yesterday, it runs before the update step. He copied the check from your example.'),
      A('That is the right place for it.'),
    ]),
    F('hsm', 'constraint', 'What must never happen to the private signing keys?', ['leave the HSM'], [
      U('Our publisher has one hard requirement in the contract and I need you to confirm it in writing. The private signing keys must never leave the HSM — not for backups, not for a migration, not for debugging. Our lawyer will ask me about this, so please be precise.'),
      A('Confirmed: release keys are generated inside the HSM and cannot be exported; backups are HSM-to-HSM wrapped copies, and no support process can extract them.'),
    ]),
    F('client-retry', 'retry_policy', 'How does the signing client retry failed requests?', ['five times, doubling the wait'], [
      U('sometimes the signing step fails with a timeout and the whole pipeline goes red. what does the client do then?'),
      A('By default the client retries a failed request five times, doubling the wait each time starting at two seconds, so the last attempt comes about a minute after the first. If it still fails, the step exits with code 75 so your CI can tell a temporary failure from a rejected signature.'),
    ]),
    F('contact', 'preference', 'How does the customer prefer to be contacted?', ['Zulip'], [
      U('Small request. If someone from your side needs to reach me, please use Zulip rather than email — I live in our Zulip rooms and my inbox is a disaster. The handle is in the workspace profile.'),
      A('I have added a note to your workspace so engineers see it.'),
    ]),
    F('keybase', 'deleted_module', 'Which old integration did the studio remove?', ['keybase'], [
      U('I also ripped out the old keybase integration from the release script, we only used it to publish our public key and nobody maintained it.'),
      A('That is fine; your public keys are published on your Kestrelkey key page now anyway.'),
    ]),
    F('refund', 'max_amount', 'How much of the overage charge will Kestrelkey refund?', ['$420', '420 dollars'], [
      U('Last month we were charged for overage because the broken pipeline re-signed the same build in a loop. Can we get some of that back?'),
      A('I can refund up to $180 of the overage myself.'),
      U('Hmm. The loop ran for a whole weekend because of your agent bug, not ours.', { gap: 2 }),
      A('You are right, the bug was ours. I asked my team lead and we will refund $420, which covers the whole weekend. It shows up on the next invoice.', { gap: 'far' }),
      U('thanks, appreciated'),
    ], { old: ['$180', '180 dollars'] }),
    F('ioctl', 'error_seen', 'Which error did gpg print on the build machine?', ['Inappropriate ioctl for device'], [
      U('New problem. When the build machine tries the local test signature it prints "gpg: signing failed: Inappropriate ioctl for device" and stops. On my laptop the same command works.'),
      A('That message means gpg wants to ask for a passphrase but there is no terminal. On a build machine, use the agent\'s loopback mode or sign through our client instead of calling gpg directly.'),
    ]),
    F('agent-version', 'release_version', 'Which version of the signing agent does the studio run?', ['5.12.1'], [
      A('Which agent version is installed? Run the agent with --version on the VM.'),
      U('kestrel-agent 5.12.1'),
      A('Thanks, that version has the retry fix already.'),
    ]),
    F('tlog', 'feature_flag', 'Which option was switched on for the workspace?', ['transparency_log_upload'], [
      A('Given the publisher contract, I would also switch on transparency_log_upload for your workspace. Every release signature then gets recorded in a public append-only log, so if a key were ever misused you could prove which signatures are yours. It costs nothing and does not change your pipeline. Shall I enable it?'),
      U('sure'),
      A('Enabled.'),
    ]),
    F('release-time', 'time_of_day', 'At what time of day does the studio publish releases?', ['noon Pacific'], [
      U('For planning your maintenance windows: we always publish at noon Pacific on Thursdays, because that is when our community manager is online. Anything that breaks signing around then hurts.'),
      A('Understood, I will flag that in your workspace notes so nothing is scheduled over it.'),
    ]),
    F('yubikey-guide', 'open_task', 'What did support promise to send?', ['migration guide'], [
      U('Two of our devs still sign commits with yubikeys. Can those move to you too?'),
      A('They can. I will send you our migration guide for hardware tokens by email after this chat — it covers moving the commit-signing subkeys.'),
    ]),
    F('subkey-expiry', 'rotation_interval', 'How often do the signing subkeys expire?', ['six months'], [
      A('One thing that surprises teams: the subkeys we issue for signing expire after six months and are renewed automatically, but only if the agent is online in the week before. If the VM is off for a long time, renew them from the dashboard.'),
      U('good to know'),
    ]),
    F('solutions', 'owner', 'Who at Kestrelkey is handling the hardware-token move?', ['Ximena'], [
      A('For the hardware-token part I am handing you over to Ximena from our solutions team. She has done a few of these migrations and will contact you this week.'),
    ]),
    F('ci-guide', 'path_url', 'Where is the guide for signing in CI?', ['docs.kestrelkey.example/guides/ci-signing'], [
      A('The step-by-step for pipelines is at https://docs.kestrelkey.example/guides/ci-signing — it has ready-made steps for the common CI systems.'),
    ]),
  ],
};
