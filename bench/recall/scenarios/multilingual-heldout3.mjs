import { F, U, A } from './dsl.mjs';

export default {
  id: 'multilingual-ondina',
  kind: 'multilingual',
  split: 'heldout3',
  title: 'Multilingual chat: the Ondina localization team (Spanish, French, German, Japanese, Russian, Swedish, English) reviewing the strings of a graphical package updater',
  system: 'You are the assistant in the chat of the Ondina localization team (Ondina is a graphical front end for a package manager). Reply in the language you are addressed in. Review translations against the team\'s reference catalogue and keep track of what the team agrees on.',
  opening: 'Hi all, this is the thread for the Ondina 2.x strings. Write in your own language; the assistant reviews. Our tone reference is the apt catalogue, since our users know its messages — paste from it when you compare.',
  units: 235,
  langs: ['es', 'fr', 'de', 'ja', 'ru', 'sv'],
  pools: {
    es: { files: ['multilingual-heldout3.txt'], only: ['apt.mo es'], min: 150, max: 650 },
    fr: { files: ['multilingual-heldout3.txt'], only: ['apt.mo fr'], min: 150, max: 650 },
    de: { files: ['multilingual-heldout3.txt'], only: ['apt.mo de'], min: 150, max: 650 },
    ja: { files: ['multilingual-heldout3.txt'], only: ['apt.mo ja'], min: 150, max: 650 },
    ru: { files: ['multilingual-heldout3.txt'], only: ['apt.mo ru'], min: 150, max: 650 },
    sv: { files: ['multilingual-heldout3.txt'], only: ['apt.mo sv'], min: 150, max: 650 },
  },
  final: 'Could someone post a short English status per language for the release announcement?',
  facts: [
    F('platform', 'technology', '¿Qué herramienta usa ahora el equipo para traducir Ondina?', ['tolgee'], [
      A('Sobre la herramienta: podemos seguir con los ficheros .po en el repositorio y revisiones por correo, o montar tolgee en nuestro servidor, con memoria de traducción compartida y revisiones dentro de la propia interfaz. La segunda opción cuesta un fin de semana de instalación, pero ahorra muchas horas cada versión.', { lang: 'es' }),
      U('vale, lo segundo', { lang: 'es' }),
    ], { lang: 'es' }),
    F('freeze', 'deadline', '¿Hasta qué día se pueden añadir textos nuevos a Ondina?', ['23 de mayo'], [
      U('Recordatorio: la congelación de cadenas es el 9 de mayo; después no entra ningún texto nuevo.', { lang: 'es' }),
      U('Cambio de fechas, perdón por el lío. Los desarrolladores necesitan dos semanas más para el diálogo de actualizaciones, así que la congelación pasa al 23 de mayo. Aprovechemos para cerrar el glosario con calma.', { lang: 'es', gap: 'far' }),
      A('Entendido, actualizo el calendario del equipo.', { lang: 'es' }),
    ], { old: ['9 de mayo'], lang: 'es' }),
    F('es-reviewer', 'owner', '¿Quién tiene la última palabra sobre la traducción al español?', ['María José'], [
      A('Para las dudas de terminología en español, ¿quién decide? Necesito saber a quién asignar los comentarios.', { lang: 'es' }),
      U('Eso lo lleva María José desde marzo, ella revisa todo antes de publicarlo.', { lang: 'es', gap: 2 }),
    ], { lang: 'es' }),
    F('ci-host', 'host', 'Sur quelle machine les catalogues sont-ils compilés ?', ['lyon-ci-07.ondina.org'], [
      U('Quelqu’un sait où tournent les compilations des catalogues ? Je voudrais voir le journal du dernier échec.', { lang: 'fr' }),
      U('Trouvé : c’est lyon-ci-07.ondina.org, les journaux sont dans le dossier de la tâche.', { lang: 'fr', gap: 2 }),
    ], { lang: 'fr' }),
    F('package-names', 'constraint', 'Que faut-il laisser tel quel dans les chaînes traduites ?', ['noms de paquets'], [
      U('Règle décidée avec les développeurs, et elle n’est pas négociable : les noms de paquets ne se traduisent jamais, même quand ils ressemblent à des mots ordinaires. Les utilisateurs les recopient dans un terminal, et un nom traduit ne correspond plus à rien. Ça vaut pour toutes les langues, pas seulement le français.', { lang: 'fr' }),
      A('Compris, je signalerai chaque traduction de ce genre comme une erreur.', { lang: 'fr' }),
    ], { lang: 'fr' }),
    F('fr-address', 'preference', 'Comment s’adresse-t-on à l’utilisateur dans la version française ?', ['vouvoiement'], [
      U('Pour le ton : en français je préfère le vouvoiement partout, y compris dans les messages courts. Le catalogue de référence mélange parfois les deux, ne le suivez pas sur ce point.', { lang: 'fr' }),
    ], { lang: 'fr' }),
    F('swiss', 'file_created', 'Welche Datei enthält die Schweizer Varianten?', ['po/de_CH.po'], [
      U('Für die Schweizer Schreibweisen habe ich po/de_CH.po angelegt. Da stehen nur die Einträge drin, die wirklich abweichen, also vor allem ß zu ss; der Rest fällt auf das normale Deutsch zurück.', { lang: 'de' }),
    ], { lang: 'de' }),
    F('upload-retry', 'retry_policy', 'Was passiert, wenn das Hochladen der Kataloge zum Spiegelserver scheitert?', ['fünfmal im Abstand von zwei Minuten'], [
      A('Das Hochladen der Kataloge zum Spiegelserver bricht manchmal ab, wenn dort gerade synchronisiert wird. Mein Vorschlag: Das Skript versucht es fünfmal im Abstand von zwei Minuten und schreibt danach eine Nachricht in den Teamkanal. So muss nachts niemand eingreifen.', { lang: 'de' }),
      U('passt', { lang: 'de' }),
    ], { lang: 'de' }),
    F('proof-budget', 'max_amount', 'Wie viel Geld steht für das externe Korrekturlesen zur Verfügung?', ['900 Euro'], [
      U('Zum Geld: Für das externe Lektorat der deutschen Fassung haben wir 600 Euro, das reicht für die wichtigsten Dialoge.', { lang: 'de' }),
      U('Neuigkeiten vom Verein: Der Vorstand hat den Betrag für das Lektorat auf 900 Euro erhöht, damit auch die Hilfeseiten geprüft werden können.', { lang: 'de', gap: 'far' }),
      A('Sehr gut, dann nehme ich die Hilfeseiten mit in die Liste für das Lektorat.', { lang: 'de' }),
    ], { old: ['600 Euro'], lang: 'de' }),
    F('ruby', 'function_added', 'ルビの記法を検証するために追加された関数は？', ['check_ruby_markup'], [
      U('チェックスクリプトに check_ruby_markup() という関数を追加しました。ふりがなの括弧が閉じていない訳文を見つけて、行番号つきで報告します。', { lang: 'ja' }),
      A('ありがとうございます。次の校正でさっそく使ってみます。', { lang: 'ja' }),
    ], { lang: 'ja' }),
    F('ja-build', 'error_seen', '日本語カタログのビルドで出たエラーは？', ['ja.po:288'], [
      U('ビルドが日本語カタログで止まりました。「ja.po:288: \'msgstr\' is not a valid C format string, unlike \'msgid\'」と出ています。どなたか原因わかりますか？', { lang: 'ja' }),
      A('訳文の中の %s が一つ足りないようです。直してから再ビルドします。', { lang: 'ja' }),
    ], { lang: 'ja' }),
    F('ja-version', 'release_version', '日本語訳が最初に含まれる Ondina のバージョンは？', ['2.3.0-beta.4'], [
      A('日本語訳はどのリリースから入る予定ですか？告知文に書きたいので。', { lang: 'ja' }),
      U('2.3.0-beta.4 からです。残りの画面が間に合えばですが。', { lang: 'ja', gap: 2 }),
    ], { lang: 'ja' }),
    F('hide-menus', 'feature_flag', 'Какая настройка прячет пункты меню без перевода?', ['hide_untranslated_menus'], [
      A('Есть идея для неполных переводов. Сейчас непереведённые пункты меню показываются по-английски вперемешку с русскими, и это выглядит как ошибка. Можно включить настройку hide_untranslated_menus: такие пункты будут скрыты в меню, но останутся доступны через поиск. Для языков с полным переводом ничего не изменится.', { lang: 'ru' }),
      U('ок, давай', { lang: 'ru' }),
    ], { lang: 'ru' }),
    F('sync-time', 'time_of_day', 'Во сколько каталоги уходят в репозиторий?', ['03:45 по Москве'], [
      U('Кстати, для тех, кто работает по ночам: выгрузка каталогов в репозиторий запускается в 03:45 по Москве, всё, что сохранено позже, попадёт туда только на следующий день. Перед релизом это важно.', { lang: 'ru' }),
    ], { lang: 'ru' }),
    F('po4a', 'deleted_module', 'Какой старый скрипт убрали из конвейера сборки?', ['po4a-wrapper'], [
      U('И ещё: старый скрипт po4a-wrapper убрали из конвейера, документацию теперь переводим прямо в основном каталоге.', { lang: 'ru' }),
      A('Хорошо, обновлю инструкцию для новых переводчиков.', { lang: 'ru' }),
    ], { lang: 'ru' }),
    F('mt-chars', 'rate_limit', 'Hur mycket text får skickas i varje förfrågan till maskinöversättningen?', ['800 tecken per anrop'], [
      U('Varning för maskinöversättningen! Igår skickade jag hela katalogen på en gång och fick bara fel tillbaka. Tjänsten tar emot högst 800 tecken per anrop, så längre texter måste delas upp. Jag har ändrat skriptet så att det gör det automatiskt.', { lang: 'sv' }),
    ], { lang: 'sv' }),
    F('help-pages', 'open_task', 'Vad återstår att granska i den svenska översättningen?', ['hjälpsidorna'], [
      U('Det som fortfarande saknas på svenska: någon måste gå igenom hjälpsidorna för uppdateringsdialogen, de är maskinöversatta och ingen har läst dem.', { lang: 'sv' }),
      A('Jag har lagt upp det som en uppgift i listan.', { lang: 'sv' }),
    ], { lang: 'sv' }),
    F('build-password', 'rotation_interval', 'Hur ofta får byggkontot ett nytt lösenord?', ['var tredje månad'], [
      A('En påminnelse: lösenordet till byggkontot byts var tredje månad, och det nya ligger i teamets valv. Skriv det aldrig i skripten.', { lang: 'sv' }),
    ], { lang: 'sv' }),
    F('tm-project', 'account_id', "What is Ondina's project number at the translation-memory vendor?", ['ONDINA-TM-5532'], [
      A('For the vendor support ticket I need our project number with the translation-memory service. Does anyone have it?', { lang: 'en' }),
      U('It is ONDINA-TM-5532, from the welcome mail.', { lang: 'en', gap: 2 }),
    ], { lang: 'en' }),
    F('styleguide', 'path_url', 'Where can the team read the translation style rules?', ['l10n.ondina.org/styleguide/v2'], [
      U('In English for everybody: the style guide has moved to https://l10n.ondina.org/styleguide/v2 and the old wiki page is frozen. Please bookmark the new one.', { lang: 'en' }),
    ], { lang: 'en' }),
  ],
};
