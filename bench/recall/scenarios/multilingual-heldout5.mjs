import { F, U, A } from './dsl.mjs';

export default {
  id: 'multilingual-tavira',
  kind: 'multilingual',
  split: 'heldout5',
  title: 'Multilingual chat: the Tavira localization team (Greek, Hungarian, Romanian, Indonesian, Catalan, Slovak, English) reviewing the strings of a batch text-replacement tool',
  system: 'You are the assistant in the chat of the Tavira localization team (Tavira is a batch search-and-replace tool built on sed). Reply in the language you are addressed in. Review translations against the team\'s reference catalogues and keep track of what the team agrees on.',
  opening: 'Hi all, this is the thread for the Tavira 2.x strings. Write in your own language; the assistant reviews. Our tone reference is the sed catalogue, since Tavira wraps sed — paste from it when you compare.',
  units: 235,
  langs: ['el', 'hu', 'ro', 'id', 'ca', 'sk'],
  pools: {
    el: { files: ['multilingual-heldout5.txt'], only: ['sed.mo el'], min: 150, max: 650 },
    hu: { files: ['multilingual-heldout5.txt'], only: ['sed.mo hu'], min: 150, max: 650 },
    ro: { files: ['multilingual-heldout5.txt'], only: ['sed.mo ro'], min: 150, max: 650 },
    id: { files: ['multilingual-heldout5.txt'], only: ['sed.mo id'], min: 150, max: 650 },
    ca: { files: ['multilingual-heldout5.txt'], only: ['sed.mo ca'], min: 150, max: 650 },
    sk: { files: ['multilingual-heldout5.txt'], only: ['sed.mo sk'], min: 150, max: 650 },
  },
  final: 'Could someone write a short English status per language for the release notes?',
  facts: [
    F('platform', 'technology', 'Ποιο εργαλείο μετάφρασης θα χρησιμοποιεί τελικά η ομάδα του Tavira;', ['Traduttore'], [
      A('Για το εργαλείο μετάφρασης έχουμε δύο δρόμους: να συνεχίσουμε να διορθώνουμε τα αρχεία .po απευθείας στο αποθετήριο και να κάνουμε έλεγχο μέσω email, ή να στήσουμε το Traduttore στον δικό μας διακομιστή, με μνήμη μετάφρασης και έλεγχο σε ένα σημείο. Το δεύτερο θέλει μια μέρα εγκατάσταση, αλλά γλιτώνει πολύ χρόνο σε κάθε έκδοση.', { lang: 'el' }),
      U('εντάξει, το δεύτερο', { lang: 'el' }),
    ], { lang: 'el' }),
    F('freeze', 'deadline', 'Μέχρι πότε μπορούν να προστεθούν νέα κείμενα στο Tavira;', ['17 Μαΐου'], [
      U('Υπενθύμιση: το πάγωμα των κειμένων είναι στις 3 Μαΐου.', { lang: 'el' }),
      U('Αλλαγή στο πρόγραμμα. Οι προγραμματιστές ξαναφτιάχνουν την οθόνη προεπισκόπησης και χρειάζονται χρόνο. Έτσι το πάγωμα μετατίθεται για τις 17 Μαΐου. Στο μεταξύ καλό είναι να τακτοποιήσουμε το γλωσσάριο.', { lang: 'el', gap: 'far' }),
      A('Εντάξει, διορθώνω το χρονοδιάγραμμα της ομάδας.', { lang: 'el' }),
    ], { old: ['3 Μαΐου'], lang: 'el' }),
    F('el-reviewer', 'owner', 'Ποιος κάνει τον τελικό έλεγχο των ελληνικών;', ['Ελένη'], [
      U('Για τα ελληνικά: ο Νίκος λέει ότι τον τελικό έλεγχο τον κάνει η Ελένη, οπότε για ορολογία ρωτάτε εκείνη.', { lang: 'el' }),
      A('Ωραία, τα αιτήματα ελέγχου για τα ελληνικά θα πηγαίνουν σε εκείνη.', { lang: 'el' }),
    ], { lang: 'el' }),
    F('build-host', 'host', 'Melyik gépen készülnek a fordítási katalógusok?', ['budapest-l10n-02.tavira.org'], [
      U('Tudja valaki, hol épülnek pontosan a katalógusok? Meg akarom nézni az utolsó hibás build naplóját.', { lang: 'hu' }),
      U('Megvan: a buildek a budapest-l10n-02.tavira.org gépen futnak, a naplók a feladat mappájában vannak.', { lang: 'hu', gap: 2 }),
    ], { lang: 'hu' }),
    F('regex-rule', 'constraint', 'Mit nem szabad soha lefordítani a Tavira szövegeiben?', ['reguláris kifejezéseket'], [
      U('Van egy szabály, amit a fejlesztőkkel egyeztettünk, és nem vita tárgya. A szövegekben szereplő reguláris kifejezéseket soha nem fordítjuk le, akkor sem, ha olvasható szónak tűnnek. A felhasználó bemásolja őket a parancssorba, és a lefordított minta egyszerűen nem illeszkedik. Ez minden nyelvre vonatkozik.', { lang: 'hu' }),
      A('Értem, minden ilyen fordítást hibaként fogok jelölni.', { lang: 'hu' }),
    ], { lang: 'hu' }),
    F('mt-quota', 'max_amount', 'Mekkora most a gépi fordítás havi kerete?', ['9 500 szó'], [
      U('A gépi fordításról: a keretünk havi 5 000 szó, az összes nyelvre együtt.', { lang: 'hu' }),
      U('Jó hír az alapítványtól. Megemelték a gépi fordítási keretet havi 9 500 szó-ra. Ez elég lesz a súgóoldalakhoz is.', { lang: 'hu', gap: 'far' }),
      A('Remek, beteszem a súgót a sorba.', { lang: 'hu' }),
    ], { old: ['5 000 szó'], lang: 'hu' }),
    F('glossary', 'file_created', 'Ce fișier a creat echipa română pentru terminologie?', ['po/ro_glosar.tbx'], [
      U('Pentru terminologie am creat fișierul po/ro_glosar.tbx. Deocamdată conține doar termenii din fereastra de înlocuire, restul îl completez săptămâna asta.', { lang: 'ro' }),
      A('Mulțumesc, îl voi folosi ca referință la verificare.', { lang: 'ro' }),
    ], { lang: 'ro' }),
    F('upload-retry', 'retry_policy', 'Ce face scriptul când încărcarea cataloagelor pe oglindă eșuează?', ['de cinci ori, la fiecare două minute'], [
      A('Încărcarea cataloagelor pe oglindă eșuează uneori, când acolo rulează sincronizarea. Propun ca scriptul să încerce de cinci ori, la fiecare două minute, și abia apoi să trimită o alertă.', { lang: 'ro' }),
      U('da, de acord', { lang: 'ro' }),
    ], { lang: 'ro' }),
    F('quotes', 'preference', 'Ce fel de ghilimele vrea echipa română în traduceri?', ['ghilimele românești „jos-sus”'], [
      U('Încă ceva despre tipografie. În română vreau peste tot ghilimele românești „jos-sus”, nu cele drepte din engleză. Catalogul de referință le amestecă pe alocuri. Vă rog să le corectați la verificare.', { lang: 'ro' }),
    ], { lang: 'ro' }),
    F('check-func', 'function_added', 'Fungsi apa yang ditambahkan ke skrip pemeriksaan untuk tim Indonesia?', ['periksa_placeholder'], [
      U('Saya menambahkan fungsi periksa_placeholder() ke skrip pemeriksaan. Fungsi itu mencari %s dan {nama} yang hilang di terjemahan dan melaporkannya dengan nomor baris.', { lang: 'id' }),
      A('Terima kasih, akan langsung saya pakai di pemeriksaan berikutnya.', { lang: 'id' }),
    ], { lang: 'id' }),
    F('msgfmt', 'error_seen', 'Di baris mana msgfmt menemukan kesalahan pada katalog Indonesia?', ['po/id.po:412'], [
      U('msgfmt gagal: po/id.po:412: format specifications in msgid and msgstr do not match. Sepertinya ada %d yang terhapus.', { lang: 'id' }),
      A('Benar, di baris itu penanda angkanya hilang. Usulan saya:', { lang: 'id' }),
    ], { lang: 'id' }),
    F('id-version', 'release_version', 'Versi paket bahasa Indonesia mana yang terakhir dirilis?', ['2.7.1-id3'], [
      A('Versi paket bahasa mana yang sudah dirilis untuk tiap bahasa? Saya perlu itu untuk catatan rilis.', { lang: 'id' }),
      U('dari tabel rilis:\n\n| bahasa | paket |\n|---|---|\n| Bahasa Indonesia | 2.7.1-id3 |\n| Slovenčina | 2.7.0-sk1 |', { lang: 'id', gap: 2 }),
    ], { lang: 'id' }),
    F('fuzzy-flag', 'feature_flag', 'Quina opció marca les cadenes dubtoses perquè les revisi algú?', ['marca_dubtoses'], [
      A('Proposo afegir una opció, marca_dubtoses, que marqui com a dubtosa qualsevol cadena traduïda automàticament, perquè un revisor la vegi abans de publicar. L\'activo?', { lang: 'ca' }),
      U('d\'acord', { lang: 'ca' }),
    ], { lang: 'ca' }),
    F('sync-time', 'time_of_day', 'A quina hora se sincronitzen cada dia les traduccions?', ['21:30', 'a les nou i mitja del vespre'], [
      U('La sincronització diària hauria de ser a les nou i mitja del vespre, quan ja no treballa ningú.', { lang: 'ca' }),
      A('Fet: la sincronització queda programada a les 21:30.', { lang: 'ca' }),
    ], { lang: 'ca' }),
    F('old-dict', 'deleted_module', 'Quin mòdul antic ha eliminat l\'equip?', ['tavira-dicc-vell'], [
      U('Hem eliminat tavira-dicc-vell, el diccionari antic ja no el feia servir ningú.', { lang: 'ca' }),
      A('Perfecte, un paquet menys per mantenir.', { lang: 'ca' }),
    ], { lang: 'ca' }),
    F('api-limit', 'rate_limit', 'Koľko požiadaviek môžu skripty poslať do prekladového rozhrania?', ['300 požiadaviek za minútu'], [
      U('K rozhraniu prekladovej platformy. Limit je 300 požiadaviek za minútu pre celý tím. Keď ho prekročíme, rozhranie na hodinu zablokuje kľúč. Preto prosím nespúšťajte kontrolné skripty paralelne.', { lang: 'sk' }),
      A('Rozumiem, skripty budú čakať, aby sa limit neprekročil.', { lang: 'sk' }),
    ], { lang: 'sk' }),
    F('man-pages', 'open_task', 'Čo ešte zostáva urobiť slovenskému tímu?', ['preložiť manuálové stránky'], [
      U('Ešte nám zostáva preložiť manuálové stránky, zatiaľ sú len v angličtine.', { lang: 'sk' }),
      A('Zapísané ako otvorená úloha.', { lang: 'sk' }),
    ], { lang: 'sk' }),
    F('tm-export', 'rotation_interval', 'Ako často sa exportuje prekladová pamäť?', ['každé dva mesiace'], [
      U('Prekladovú pamäť exportujeme každé dva mesiace a posielame ju partnerom.', { lang: 'sk' }),
      A('Dobre, pripomeniem to v kalendári.', { lang: 'sk' }),
    ], { lang: 'sk' }),
    F('vendor-id', 'account_id', 'What is the team\'s customer number with the machine-translation vendor?', ['TAV-MT-3318'], [
      A('For the support ticket with the machine-translation vendor I need our customer number. Does anyone have it?', { lang: 'en' }),
      U('It is TAV-MT-3318, it was in the contract mail.', { lang: 'en', gap: 2 }),
    ], { lang: 'en' }),
    F('repo', 'path_url', 'Where is the repository with the Tavira catalogues?', ['git.tavira.org/l10n/tavira-po'], [
      U('For the newcomers: the catalogues live in https://git.tavira.org/l10n/tavira-po, please fork from there.', { lang: 'en' }),
      A('Added to the welcome message.', { lang: 'en' }),
    ], { lang: 'en' }),
  ],
};
