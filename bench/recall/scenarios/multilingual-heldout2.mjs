import { F, U, A } from './dsl.mjs';

export default {
  id: 'multilingual-lanterna',
  kind: 'multilingual',
  split: 'heldout2',
  title: 'Multilingual chat: the Lanterna localization team (Italian, Brazilian Portuguese, Polish, Dutch, Chinese, English) reviewing catalogue strings',
  system: 'You are the assistant in the chat of the Lanterna localization team. Reply in the language you are addressed in. You review translations against the team\'s references and keep track of what the team agrees on.',
  opening: 'Hi everyone, new thread for the lanterna-cli translations. Write in your own language, the assistant reviews. Our reference for tone is the dpkg catalogue, so paste its strings when you want to compare.',
  units: 230,
  langs: ['it', 'pt', 'pl', 'nl', 'zh'],
  pools: {
    it: { files: ['multilingual-heldout2.txt'], only: ['dpkg.mo it'], min: 150, max: 650 },
    pt: { files: ['multilingual-heldout2.txt'], only: ['dpkg.mo pt'], min: 150, max: 650 },
    pl: { files: ['multilingual-heldout2.txt'], only: ['dpkg.mo pl'], min: 150, max: 650 },
    nl: { files: ['multilingual-heldout2.txt'], only: ['dpkg.mo nl'], min: 150, max: 650 },
    zh: { files: ['multilingual-heldout2.txt'], only: ['dpkg.mo zh'], min: 150, max: 650 },
  },
  final: 'Can somebody write a short English status for each of the five languages, for the release notes?',
  facts: [
    F('tms', 'technology', 'Quale piattaforma di traduzione usiamo adesso?', ['pontoon'], [
      U('Allora, riassumo la riunione di ieri per chi non c’era. Abbiamo parlato a lungo dei costi e dei permessi per i volontari. Alla fine si passa a pontoon, perché lo possiamo ospitare noi e i revisori lo conoscono già. Le vecchie memorie di traduzione le importa Matteo la settimana prossima.', { lang: 'it' }),
      A('Perfetto, allora preparo i progetti e controllo che l’importazione delle memorie vada a buon fine.', { lang: 'it' }),
    ], { lang: 'it' }),
    F('freeze', 'deadline', 'Quando è il congelamento delle stringhe?', ['ventotto marzo'], [
      U('Promemoria: il congelamento delle stringhe è il quattordici marzo, dopo non entrano più testi nuovi.', { lang: 'it' }),
      U('Cambio di programma, scusate: gli sviluppatori hanno chiesto altre due settimane, quindi il congelamento slitta al ventotto marzo. Per noi è una buona notizia, ci dà tempo per il glossario.', { lang: 'it', gap: 'far' }),
      A('Ricevuto, aggiorno il calendario del progetto.', { lang: 'it' }),
    ], { old: ['quattordici marzo'], lang: 'it' }),
    F('it-glossary', 'owner', 'Chi si occupa del glossario italiano?', ['Chiara'], [
      A('Domanda organizzativa: chi decide i termini dubbi nel glossario italiano? Mi serve un nome per le segnalazioni.', { lang: 'it' }),
      U('Se ne occupa Chiara, da questo mese.', { lang: 'it', gap: 2 }),
    ], { lang: 'it' }),
    F('build-host', 'host', 'Qual é o servidor que compila os catálogos?', ['recife-build-03.lanterna.dev'], [
      U('Alguém sabe em qual servidor os catálogos são compilados? Quero olhar os logs do último build.', { lang: 'pt' }),
      U('Achei: é o recife-build-03.lanterna.dev, os logs ficam na pasta do job.', { lang: 'pt', gap: 2 }),
    ], { lang: 'pt' }),
    F('mt-limit', 'rate_limit', 'Qual é o limite da API de tradução automática?', ['mil e quinhentas palavras por minuto'], [
      U('Gente, cuidado com a tradução automática em lote. Ontem o Rodrigo mandou o catálogo inteiro de uma vez e a conta foi bloqueada por uma hora. A API aceita no máximo mil e quinhentas palavras por minuto, então é preciso dividir os lotes. Eu já ajustei o script.', { lang: 'pt' }),
    ], { lang: 'pt' }),
    F('english-errors', 'constraint', 'O que vale para as mensagens de erro citadas nos exemplos?', ['ficam sempre em inglês'], [
      U('Regra combinada com os desenvolvedores: as mensagens de erro do sistema citadas nos exemplos ficam sempre em inglês, porque o suporte pesquisa por elas. Só traduzimos o texto em volta.', { lang: 'pt' }),
      A('Entendido, vou marcar como erro qualquer tradução dessas mensagens.', { lang: 'pt' }),
    ], { lang: 'pt' }),
    F('pt-address', 'preference', 'Como devemos tratar o usuário em português?', ['tratamento por você'], [
      U('Sobre o tom: para o português do Brasil eu prefiro o tratamento por você, nunca por tu, e sem formalidades exageradas. O catálogo de referência às vezes é formal demais.', { lang: 'pt' }),
    ], { lang: 'pt' }),
    F('invoice-account', 'account_id', 'Jaki jest numer konta do faktur za korektę?', ['LNT-PL-8830'], [
      A('Do rozliczeń z zewnętrzną korektą potrzebuję numeru konta projektu. Masz go?', { lang: 'pl' }),
      U('Tak, to LNT-PL-8830, jest też na każdej fakturze.', { lang: 'pl' }),
    ], { lang: 'pl' }),
    F('sync-retry', 'retry_policy', 'Jak synchronizacja ponawia nieudane próby?', ['trzy razy co dziesięć minut'], [
      A('Synchronizacja z repozytorium czasem się wywraca, kiedy serwer ma przerwę techniczną. Proponuję, żeby w takim wypadku ponawiała próbę trzy razy co dziesięć minut, a potem wysłała powiadomienie na kanał zespołu. Dzięki temu nocne przerwy nie będą nikogo budzić.', { lang: 'pl' }),
      U('ok, pasuje', { lang: 'pl' }),
    ], { lang: 'pl' }),
    F('proof-budget', 'max_amount', 'Ile maksymalnie możemy wydać na zewnętrzną korektę?', ['dwa tysiące złotych'], [
      U('Krótko o pieniądzach, bo pytaliście. Fundacja zgodziła się zapłacić za zewnętrzną korektę polskiej wersji. Budżet to maksymalnie dwa tysiące złotych na całe wydanie, więc wybierzmy najważniejsze ekrany. Resztę sprawdzimy sami.', { lang: 'pl' }),
    ], { lang: 'pl' }),
    F('plural-error', 'error_seen', 'Jaki błąd zgłosił msgfmt dla polskiego katalogu?', ['pl.po:412'], [
      U('Build się wysypał na polskim katalogu: "pl.po:412: nplurals = 3 does not match the Plural-Forms header". Ktoś wie, o co chodzi?', { lang: 'pl' }),
      A('Nagłówek pliku ma inną liczbę form mnogich niż ta linia. Poprawię nagłówek na trzy formy i przebuduję.', { lang: 'pl' }),
    ], { lang: 'pl' }),
    F('nl-release', 'release_version', 'In welke versie komt de Nederlandse vertaling mee?', ['4.0.0-rc.2'], [
      U('Goed nieuws: de Nederlandse vertaling gaat mee in versie 4.0.0-rc.2, als we de laatste schermen op tijd af hebben.', { lang: 'nl' }),
      A('Top, dan zet ik de resterende strings bovenaan de lijst.', { lang: 'nl' }),
    ], { lang: 'nl' }),
    F('flemish', 'file_created', 'Welk bestand is aangemaakt voor de Vlaamse varianten?', ['po/nl_BE.po'], [
      U('Voor de Vlaamse varianten heb ik po/nl_BE.po aangemaakt. Het bevat voorlopig alleen de strings die echt anders zijn, de rest valt terug op het gewone Nederlands.', { lang: 'nl' }),
    ], { lang: 'nl' }),
    F('plurals-task', 'open_task', 'Wat moet er nog gebeuren met de foutmeldingen?', ['meervoudsvormen'], [
      U('Nog open: iemand moet de meervoudsvormen van de foutmeldingen nalopen, daar zitten volgens mij fouten in.', { lang: 'nl' }),
      A('Ik heb het op de takenlijst gezet.', { lang: 'nl' }),
    ], { lang: 'nl' }),
    F('export-time', 'time_of_day', 'Hoe laat draait de nachtelijke export?', ['kwart over vier'], [
      U('Even ter info voor wie \'s avonds laat werkt. De nachtelijke export naar de repository draait om kwart over vier, dus alles wat daarna wordt opgeslagen komt pas een dag later mee. Het is geen ramp, maar houd er rekening mee vlak voor de release.', { lang: 'nl' }),
    ], { lang: 'nl' }),
    F('key-rotation', 'rotation_interval', '机器翻译的 API 密钥多久轮换一次？', ['每两个月'], [
      U('提醒一下：机器翻译的 API 密钥每两个月轮换一次，新密钥会放在团队的保险库里，不要写进脚本。', { lang: 'zh' }),
    ], { lang: 'zh' }),
    F('fuzzy', 'feature_flag', '审校流程里新打开的是哪个配置选项？', ['fuzzy_matches_as_draft'], [
      A('关于模糊匹配，我有一个建议。现在翻译记忆里的模糊匹配会被直接当成译文提交，审校时很容易漏看。我建议在配置里打开 fuzzy_matches_as_draft：模糊匹配只作为草稿出现，必须有人确认后才算完成。这样审校时不会漏看，已经确认过的译文也不受影响。', { lang: 'zh' }),
      U('好的，就这么办。', { lang: 'zh' }),
    ], { lang: 'zh' }),
    F('punct-fn', 'function_added', '检查脚本里新加了哪个函数？', ['normalize_fullwidth_punct'], [
      U('我在检查脚本里加了一个 normalize_fullwidth_punct() 函数，会把中文译文里误用的半角标点换成全角的。', { lang: 'zh' }),
      A('很好，我会在下一批审校里用它跑一遍。', { lang: 'zh' }),
    ], { lang: 'zh' }),
    F('opencc', 'deleted_module', '哪个旧的转换步骤被删掉了？', ['opencc'], [
      U('另外，旧的 opencc 繁简转换步骤已经从流水线里删掉了，繁体中文以后单独翻译。', { lang: 'zh' }),
    ], { lang: 'zh' }),
    F('glossary-url', 'path_url', 'Where is the shared glossary?', ['translate.lanterna.dev/projects/cli/glossary'], [
      U('For everyone, in English so nobody misses it: the shared glossary now lives at https://translate.lanterna.dev/projects/cli/glossary — please stop using the old spreadsheet.', { lang: 'en' }),
    ], { lang: 'en' }),
  ],
};
