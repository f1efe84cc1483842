import { F, U, A } from './dsl.mjs';

export default {
  id: 'support-quayside',
  kind: 'support',
  split: 'heldout3',
  title: 'Support chat: an architecture firm\'s office manager and the Quayside hosting support assistant (SFTP, SSH keys, git deploys), with knowledge-base excerpts (sftp, ssh-add, ssh-agent, git-rebase manuals)',
  system: 'You are the support assistant of Quayside, a hosting company for small-business websites with SFTP access and git-based deploys. Be patient, quote the documentation when it helps, and never ask for passwords or private keys.',
  opening: 'Hi. I am the office manager at Lindqvist & Oyelaran Architects. I am not technical but our website person left, so I have inherited the hosting. Lots of questions coming, sorry.',
  units: 205,
  pools: { kb: { files: ['support-heldout3.txt'], min: 250, max: 800 } },
  final: 'Thank you so much. Could you write a short checklist for whoever takes over the website from me, covering everything we set up today?',
  facts: [
    F('customer-no', 'account_id', 'Under which customer number does the firm hold its Quayside subscription?', ['QS-ACC-20817'], [
      A('To look at your settings I need the customer number. It is printed at the top of every Quayside invoice.'),
      U('ok let me find an invoice, the folder is a mess'),
      U('found one. QS-ACC-20817', { gap: 2 }),
    ]),
    F('generator', 'technology', "Which static site generator produces the firm's website?", ['hugo'], [
      U('So you know what you are dealing with: the website is not WordPress. Our old web person built it with hugo, which as far as I understand turns a folder of text files into the finished pages on his laptop, and then he uploaded the result. I have the folder and a note saying "run hugo then deploy". That is all.'),
      A('That helps a lot — a generated site is simple to host; we only need to get the generated files onto the server.'),
    ]),
    F('deploy-config', 'file_created', 'Which configuration file did the customer add for deployments?', ['.quayside/deploy.toml'], [
      A('For git deploys, the repository needs a small settings file that tells us which folder to publish. The example in our guide is only four lines.'),
      U('I copied the example into .quayside/deploy.toml and changed the folder to "public" like the note said. Is that it?'),
      A('That is it.'),
    ]),
    F('sessions', 'rate_limit', 'How many simultaneous SFTP logins does the plan permit?', ['six concurrent sessions'], [
      U('Our junior architects sometimes upload renderings at the same time and some of them get thrown out. Why?'),
      A('Your plan allows six concurrent sessions per account; a seventh login is refused until one of the others disconnects. Some SFTP programs open several connections each to speed up transfers, so three people can use up the six quickly. In FileZilla you can set "maximum simultaneous transfers" to 1, which usually solves it.'),
    ]),
    F('nas', 'host', 'Which machine at the office uploads the nightly backups?', ['archnas-02'], [
      A('You mentioned backups arriving at night. Which device sends them? I want to see its connections in our logs.'),
      U('It is the grey box in the server cupboard. The label says archnas-02.', { gap: 2 }),
    ]),
    F('microsite', 'deadline', "By when does the firm's competition microsite have to be online?", ['21 February'], [
      U('We also need a small extra site for a design competition. It must be online by 14 February, the jury checks the link that day.'),
      U('Good news for once: the competition jury postponed everything by a week, so the extra site now has to be up by 21 February. Less panic.', { gap: 'far' }),
      A('Good — that leaves time to test the upload once before it goes live.'),
    ], { old: ['14 February'] }),
    F('purge-hook', 'function_added', 'Which hook function clears cached pages after a deploy?', ['purge_cdn_paths'], [
      U('Our old web person left a hook that empties your cache after every deploy, otherwise people saw old pages. In the script it is called purge_cdn_paths(). Do we still need it with the new setup?'),
      A('Yes, keep it; our cache does not know when your files change.'),
    ]),
    F('drawings', 'constraint', "Where are the firm's project drawings allowed to be stored?", ['EU data centres'], [
      U('Something I must mention because it is in our client contracts. Some clients are public authorities, and their drawings may only be kept in EU data centres — including backups and including whatever your support staff download to look at a problem. If that is not possible, we have to move that part elsewhere. Can you confirm how this works at Quayside?'),
      A('Your account is in our Frankfurt region and backups stay in Amsterdam; support staff access files in place, nothing is copied out.'),
    ]),
    F('deploy-retry', 'retry_policy', 'What does the deploy runner do when a transfer breaks off?', ['twice, after ten and sixty seconds'], [
      U('Yesterday the deploy said failed and then, a minute later, it was fine. Is something broken?'),
      A('No, that is expected. When a transfer breaks off, the deploy runner tries again twice, after ten and sixty seconds; it only marks the deploy failed if all three attempts fail. The message you saw was from the first attempt. You can see the attempts in the deploy log.'),
    ]),
    F('key-type', 'preference', 'Which type of SSH key does the customer want for the team?', ['ed25519'], [
      A('For the team\'s logins, you can use RSA keys or one of the newer, shorter key types; both work with our servers.'),
      U('Our IT person said we should use ed25519 for everyone, the short ones. Can we do that? I would prefer one kind for all, it is easier for me to explain.'),
      A('Yes, that is a good choice; I will link the guide for creating those.'),
    ]),
    F('ftp-plugin', 'deleted_module', 'Which old upload plugin did the firm uninstall?', ['ftpsync-legacy'], [
      U('I found an old plugin on the office computer, ftpsync-legacy, which apparently uploaded the site years ago. I uninstalled it. I hope that was right?'),
      A('That was right; it used plain FTP, which we switched off last year anyway.'),
    ]),
    F('credit', 'max_amount', 'How much credit will Quayside give the firm for the outage?', ['130 euros'], [
      U('The site was down for most of Monday, during a client presentation. Is there any compensation?'),
      A('I am sorry about that. Under your plan I can credit up to 75 euros to your account.'),
      U('That barely covers the coffee for the clients we had to send home.', { gap: 2 }),
      A('I asked my manager. Because the outage was our storage fault, we will credit 130 euros, which is a full month of your plan. You will see it on the next invoice.', { gap: 'far' }),
      U('ok, thank you, that is fair'),
    ], { old: ['75 euros'] }),
    F('too-many', 'error_seen', "Which message did the server send when the junior architect's login got cut off?", ['Too many authentication failures'], [
      U('Another one. Our new junior, Sade, tries to log in and her program shows "Received disconnect from 185.60.4.12 port 22:2: Too many authentication failures". Her password is correct, she says.'),
      A('That happens when her SSH agent offers many keys before the right one; the server stops after a few. The ssh-add manual explains how to see which keys are loaded.'),
    ]),
    F('openssh', 'release_version', 'Which OpenSSH release is installed on the office laptop?', ['9.2p1'], [
      A('Could you type "ssh -V" on the laptop and send me what it prints? Older versions handle those keys differently.'),
      U('it says OpenSSH_9.2p1, OpenSSL 3.0.11'),
    ]),
    F('atomic', 'feature_flag', 'Which account option makes a new site version appear all at once?', ['atomic_swap_deploys'], [
      A('One thing I would change in your account: at the moment the files are copied over the live site one by one, so for a minute visitors can see half-old, half-new pages. If I enable atomic_swap_deploys, the new version is uploaded next to the old one and switched over in a single step, and the previous version is kept for a quick rollback. It costs nothing. May I turn it on?'),
      U('yes please'),
    ]),
    F('backup-hour', 'time_of_day', 'When does the office NAS start sending its backup each night?', ['23:40'], [
      U('About the slow evenings: our backup box starts copying to you at 23:40 every night, and it usually runs until about two. I think that is why the site feels slow late at night? Sorry if this is a stupid question, our old web person set it up and I only found the schedule in a sticky note on the cupboard.'),
      A('It is a good question. The backup uses the same connection, so a slow site in that window is plausible; we can throttle it.'),
    ]),
    F('diagram', 'open_task', 'What did the support agent promise to send later?', ['chroot layout diagram'], [
      U('I do not understand where each person lands when they log in. It is confusing.'),
      A('I will draw you a chroot layout diagram that shows which folder each login sees, and send it by email tomorrow.'),
    ]),
    F('deploy-keys', 'rotation_interval', "How often do the firm's deploy keys need replacing?", ['150 days'], [
      A('One more thing for your calendar: on your plan deploy keys expire after 150 days. You get an email two weeks before, and the new key has to be added to the repository settings.'),
      U('ok noted'),
    ]),
    F('it-person', 'owner', 'Who looks after IT at the architecture firm?', ['Wojciech'], [
      U('If you need someone technical on our side, write to Wojciech. He does our IT two days a week, he is the one who told me about the keys.'),
    ]),
    F('endpoint', 'path_url', "Which address and port should the team's SFTP client connect to?", ['eu2.quayside.example:2222'], [
      U('What do I type into FileZilla as the server?'),
      A('Use sftp://eu2.quayside.example:2222 with your account name — note the port, it is not the default 22.'),
    ]),
  ],
};
