import { F, U, A } from './dsl.mjs';

export default {
  id: 'multilingual-tessera',
  kind: 'multilingual',
  split: 'dev',
  title: 'Multilingual chat: the Tessera localization team (German, French, Spanish, Japanese, Russian, English) reviewing catalogue strings',
  system: 'You are the assistant in the chat of the Tessera localization team. Answer in the language you are addressed in. You review translations and keep track of what the team decides.',
  opening: 'Hi all — this is the thread for the tessera-cli translations. Everyone writes in their own language, the assistant reviews. We borrow the style of the GNU coreutils catalogues, so paste their strings as references.',
  units: 235,
  pools: {
    de: { files: ['multilingual-dev.txt'], only: ['coreutils.mo de'], min: 150, max: 650 },
    fr: { files: ['multilingual-dev.txt'], only: ['coreutils.mo fr'], min: 150, max: 650 },
    es: { files: ['multilingual-dev.txt'], only: ['coreutils.mo es'], min: 150, max: 650 },
    ja: { files: ['multilingual-dev.txt'], only: ['coreutils.mo ja'], min: 150, max: 650 },
    ru: { files: ['multilingual-dev.txt'], only: ['coreutils.mo ru'], min: 150, max: 650 },
  },
  final: 'Could someone post a short status of all five languages for the release notes? English is fine.',
  facts: [
    F('tms', 'technology', 'Welches Übersetzungssystem verwenden wir?', ['Weblate'], [
      U('Nach dem Call gestern, für alle: Wir nehmen Weblate statt Crowdin, weil wir es selbst hosten können.', { lang: 'de' }),
      A('Gut, dann richte ich die Projekte in Weblate ein und importiere die bestehenden .po-Dateien.', { lang: 'de' }),
    ], { lang: 'de' }),
    F('freeze', 'deadline', 'Wann ist der String-Freeze?', ['3. Oktober', '3 October', 'October 3'], [
      U('Wann ist eigentlich der String-Freeze? Ich finde die Mail nicht mehr.', { lang: 'de' }),
      U('Hab nachgefragt: String-Freeze ist am 3. Oktober, danach keine neuen Texte mehr.', { lang: 'de', gap: 4 }),
    ], { lang: 'de' }),
    F('ci-host', 'host', 'Comment s’appelle le serveur de build ?', ['lyon-ci-02.tessera.io'], [
      U('Pour info, le serveur de build qui compile les catalogues s’appelle lyon-ci-02.tessera.io, c’est là qu’il faut regarder les logs.', { lang: 'fr' }),
    ], { lang: 'fr' }),
    F('no-translate', 'constraint', 'Qu’est-ce qu’on ne doit jamais traduire ?', ['tessera sync'], [
      U('Règle absolue : on ne traduit jamais les noms de commandes. « tessera sync » reste « tessera sync » dans toutes les langues.', { lang: 'fr' }),
      A('Compris, je signalerai chaque traduction qui touche à « tessera sync » ou aux autres noms de commandes.', { lang: 'fr' }),
    ], { lang: 'fr' }),
    F('mt-limit', 'rate_limit', '¿Cuál es el límite de la API de traducción automática?', ['5.000 caracteres por minuto', '5000 caracteres por minuto'], [
      U('Ojo con la traducción automática: la API nos limita a 5.000 caracteres por minuto, así que los lotes grandes hay que partirlos.', { lang: 'es' }),
    ], { lang: 'es' }),
    F('glossary-owner', 'owner', '¿Quién se encarga del glosario?', ['Lucía'], [
      A('¿Quién mantiene el glosario común? Necesito a alguien que decida los términos dudosos.', { lang: 'es' }),
      U('De eso se encarga Lucía, a partir de este mes.', { lang: 'es', gap: 2 }),
    ], { lang: 'es' }),
    F('ja-release', 'release_version', '日本語版はどのバージョンで出しますか？', ['3.8.0-beta.4'], [
      U('日本語版はバージョン 3.8.0-beta.4 で出すことになりました。', { lang: 'ja' }),
      A('了解です。3.8.0-beta.4 に間に合うように、残りの訳を優先します。', { lang: 'ja' }),
    ], { lang: 'ja' }),
    F('sync-time', 'time_of_day', 'カタログの同期は毎朝何時ですか？', ['9:40'], [
      U('カタログの同期は毎朝 9:40 JST に走ります。それまでにコミットしてください。', { lang: 'ja' }),
    ], { lang: 'ja' }),
    F('agency-contract', 'account_id', 'Какой номер договора с агентством?', ['ДГ-2024/117'], [
      U('Номер договора с переводческим агентством — ДГ-2024/117, укажите его в счёте.', { lang: 'ru' }),
    ], { lang: 'ru' }),
    F('token-rotation', 'rotation_interval', 'Как часто меняем токен API переводов?', ['45 дней', '45 days'], [
      A('Кстати, как часто нужно менять токен API переводов?', { lang: 'ru' }),
      U('Раз в 45 дней, иначе он просто перестанет работать.', { lang: 'ru' }),
    ], { lang: 'ru' }),
    F('glossary-file', 'file_created', 'Welche Datei hast du für das Glossar angelegt?', ['glossar.tbx'], [
      U('Ich habe die Datei locales/de/glossar.tbx angelegt, da stehen jetzt alle Begriffe drin.', { lang: 'de' }),
    ], { lang: 'de' }),
    F('plural-fn', 'function_added', 'Quelle fonction a été ajoutée pour les pluriels français ?', ['pluralize_fr'], [
      U('J’ai ajouté une fonction pluralize_fr() dans le module i18n, parce que « 0 fichier » doit rester au singulier en français.', { lang: 'fr' }),
      A('Bien vu. Avec pluralize_fr() on peut enfin supprimer les cas particuliers dans les chaînes.', { lang: 'fr' }),
    ], { lang: 'fr' }),
    F('agency-budget', 'max_amount', '¿Cuál es el presupuesto máximo para la agencia?', ['4.100 €', '4100 €', '4.100 euros'], [
      U('El presupuesto máximo para la agencia es de 3.200 € este trimestre.', { lang: 'es' }),
      U('Actualización: dirección ha subido el presupuesto de la agencia a 4.100 €, por los idiomas nuevos.', { lang: 'es', gap: 'far' }),
      A('Perfecto, con 4.100 € nos alcanza también para la revisión del ruso.', { lang: 'es' }),
    ], { old: ['3.200 €', '3200 €'], lang: 'es' }),
    F('address-form', 'preference', 'Wie sprechen wir die Nutzer im Deutschen an?', ['siezen'], [
      U('Im Deutschen duzen wir die Nutzer, das passt besser zur App.', { lang: 'de' }),
      U('Kleine Kehrtwende nach dem Feedback vom Vertrieb: Wir siezen die Nutzer doch, vor allem wegen der Firmenkunden.', { lang: 'de', gap: 'far' }),
      A('Alles klar, ich passe die offenen Texte an und wir siezen ab jetzt durchgehend.', { lang: 'de' }),
    ], { old: ['duzen'], lang: 'de' }),
    F('sjis-error', 'error_seen', 'ビルドで出たエラーは何でしたか？', ['shift_jis'], [
      U('昨日のビルドで「UnicodeDecodeError: \'shift_jis\' codec can\'t decode byte 0x87」というエラーが出ました。', { lang: 'ja' }),
      A('古い .po ファイルが shift_jis のまま残っているようです。UTF-8 に変換しておきます。', { lang: 'ja' }),
    ], { lang: 'ja' }),
    F('legacy-module', 'deleted_module', 'Какой модуль удалили?', ['i18n_legacy'], [
      U('Удалил старый модуль i18n_legacy, он больше нигде не импортируется.', { lang: 'ru' }),
    ], { lang: 'ru' }),
    F('rtl-flag', 'feature_flag', 'Quel drapeau reste désactivé ?', ['rtl_preview'], [
      U('Le drapeau rtl_preview reste désactivé tant que l’arabe n’est pas relu.', { lang: 'fr' }),
    ], { lang: 'fr' }),
    F('import-wizard', 'open_task', '¿Qué falta por revisar?', ['asistente de importación'], [
      U('Me queda pendiente revisar las cadenas del asistente de importación, no me ha dado tiempo esta semana.', { lang: 'es' }),
    ], { lang: 'es' }),
    F('sync-retry', 'retry_policy', 'Wie oft versucht der Sync-Job es bei Fehlern erneut?', ['dreimal', 'three times'], [
      A('Vorschlag für den Sync-Job: Bei Fehlern versucht er es dreimal, jeweils nach 90 Sekunden, dann schickt er eine Mail. Passt das?', { lang: 'de' }),
      U('Ja, passt so.', { lang: 'de' }),
    ], { lang: 'de' }),
    F('glossary-url', 'path_url', 'Где лежит глоссарий?', ['wiki.tessera.io/l10n/glossary'], [
      U('Глоссарий теперь лежит на https://wiki.tessera.io/l10n/glossary, старую таблицу не используйте.', { lang: 'ru' }),
    ], { lang: 'ru' }),
  ],
};
