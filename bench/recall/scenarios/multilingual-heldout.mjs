import { F, U, A } from './dsl.mjs';

export default {
  id: 'multilingual-mirador',
  kind: 'multilingual',
  split: 'heldout',
  title: 'Multilingual chat: the Mirador travel-booking team (Spanish, French, German, Japanese, Russian, English) reviewing server message translations',
  system: 'You are the assistant of the Mirador product team chat. Reply in the language of the message. You review the translations of server error messages and remember the team’s decisions.',
  opening: 'Hola equipo — this thread is for the translations of our booking backend messages. We use the PostgreSQL catalogues as a style reference, so paste their strings when in doubt. Write in your own language.',
  units: 230,
  pools: {
    de: { files: ['multilingual-heldout.txt'], only: ['postgres-15.mo de'], min: 150, max: 650 },
    fr: { files: ['multilingual-heldout.txt'], only: ['postgres-15.mo fr'], min: 150, max: 650 },
    es: { files: ['multilingual-heldout.txt'], only: ['postgres-15.mo es'], min: 150, max: 650 },
    ja: { files: ['multilingual-heldout.txt'], only: ['postgres-15.mo ja'], min: 150, max: 650 },
    ru: { files: ['multilingual-heldout.txt'], only: ['postgres-15.mo ru'], min: 150, max: 650 },
  },
  final: 'Can the assistant prepare the agenda for Thursday’s sync? In English please, short.',
  facts: [
    F('search', 'technology', '¿Qué motor de búsqueda vamos a usar?', ['Meilisearch'], [
      A('Para la búsqueda de hoteles, ¿seguimos con Elasticsearch o probamos algo más ligero?', { lang: 'es' }),
      U('Usaremos Meilisearch, es más sencillo de operar y va sobrado para nuestro volumen.', { lang: 'es' }),
    ], { lang: 'es' }),
    F('beta', 'deadline', '¿Cuándo sale la beta pública?', ['12 de marzo'], [
      U('Confirmado por dirección: la beta pública sale el 12 de marzo.', { lang: 'es' }),
      A('Anotado. Todo lo que no esté traducido antes del 12 de marzo saldrá en inglés.', { lang: 'es' }),
    ], { lang: 'es' }),
    F('contracts-owner', 'owner', 'Qui gère les contrats hôteliers ?', ['Amélie'], [
      U('Pour les questions de contrats hôteliers, c’est Amélie qui gère, pas moi.', { lang: 'fr' }),
    ], { lang: 'fr' }),
    F('partner-api', 'host', 'Sur quel hôte tourne l’API partenaire ?', ['partners-api.mirador.travel'], [
      A('L’API partenaire, elle tourne où maintenant ? J’ai besoin de l’hôte pour les tests.', { lang: 'fr' }),
      U('Sur partners-api.mirador.travel, l’ancien nom de domaine ne répond plus.', { lang: 'fr', gap: 3 }),
    ], { lang: 'fr' }),
    F('channel-rate', 'rate_limit', 'Wie viele Anfragen erlaubt der Channel-Manager?', ['20 Anfragen pro Sekunde'], [
      U('Achtung beim Import: Der Channel-Manager erlaubt nur 20 Anfragen pro Sekunde, sonst sperrt er uns für eine Stunde.', { lang: 'de' }),
    ], { lang: 'de' }),
    F('card-logs', 'constraint', 'Was darf niemals in den Logs landen?', ['Kreditkartennummern'], [
      U('Wichtig für alle: Kreditkartennummern dürfen niemals in den Logs landen, auch nicht teilweise in Fehlermeldungen.', { lang: 'de' }),
      A('Verstanden. Ich prüfe bei jeder übersetzten Fehlermeldung, dass keine Platzhalter für Kreditkartennummern darin vorkommen.', { lang: 'de' }),
    ], { lang: 'de' }),
    F('app-version', 'release_version', 'アプリはどのバージョンで出しますか？', ['2.9.1'], [
      U('日本向けアプリはバージョン 2.9.1 でリリースします。', { lang: 'ja' }),
    ], { lang: 'ja' }),
    F('onsen-flag', 'feature_flag', 'どのフラグが既定でオフですか？', ['jp_onsen_filter'], [
      U('温泉フィルターは jp_onsen_filter フラグで管理して、既定ではオフにします。', { lang: 'ja' }),
      A('了解です。jp_onsen_filter がオフの間は、関連する文言も非表示にしておきます。', { lang: 'ja' }),
    ], { lang: 'ja' }),
    F('price-export', 'time_of_day', 'Во сколько выгружаются цены?', ['06:45'], [
      U('Выгрузка цен идёт каждый день в 06:45 по Москве, до этого времени переводы должны быть в мастере.', { lang: 'ru' }),
    ], { lang: 'ru' }),
    F('max-discount', 'max_amount', 'Какая максимальная скидка?', ['12 %', '12%'], [
      U('Максимальная скидка для партнёров — 15 %.', { lang: 'ru' }),
      U('Поправка от финансового отдела: максимальная скидка теперь 12 %, а не пятнадцать.', { lang: 'ru', gap: 'far' }),
      A('Понял, в текстах акций указываю максимум 12 %.', { lang: 'ru' }),
    ], { old: ['15 %', '15%'], lang: 'ru' }),
    F('merchant', 'account_id', '¿Cuál es el número de comercio en Redsys?', ['336902517'], [
      U('Para las pruebas de pago: el número de comercio en Redsys es 336902517.', { lang: 'es' }),
    ], { lang: 'es' }),
    F('webhook-retry', 'retry_policy', 'Comment relance-t-on les webhooks de réservation ?', ['5 fois', 'cinq fois'], [
      A('Pour les webhooks de réservation, je propose de relancer 5 fois, toutes les 10 minutes, puis d’alerter l’équipe. Ça vous va ?', { lang: 'fr' }),
      U('Oui, parfait.', { lang: 'fr' }),
    ], { lang: 'fr' }),
    F('mapping-file', 'file_created', 'Welche Datei hast du für das Kanal-Mapping angelegt?', ['kanal-mapping.yaml'], [
      U('Ich habe config/kanal-mapping.yaml angelegt, darin steht, welcher Kanal welche Sprache bekommt.', { lang: 'de' }),
    ], { lang: 'de' }),
    F('payment-error', 'error_seen', '決済でどんなエラーが出ましたか？', ['insufficient_funds'], [
      U('昨日のテスト決済で「card_declined: insufficient_funds」というエラーが出ました。メッセージの日本語訳が未定義です。', { lang: 'ja' }),
      A('insufficient_funds 用の訳文を追加します。「カードの残高が不足しています」でどうでしょう。', { lang: 'ja' }),
    ], { lang: 'ja' }),
    F('old-pricing', 'deleted_module', 'Какой модуль удалён?', ['old_pricing_v1'], [
      U('Модуль old_pricing_v1 удалён, его строки из каталога можно выбросить.', { lang: 'ru' }),
    ], { lang: 'ru' }),
    F('summary-lang', 'preference', '¿En qué idioma prefieres los resúmenes?', ['castellano'], [
      U('Una preferencia mía: los resúmenes semanales, por favor en castellano, aunque el hilo sea multilingüe.', { lang: 'es' }),
    ], { lang: 'es' }),
    F('cancel-terms', 'open_task', 'Qu’est-ce qu’il reste à traduire ?', ['conditions d’annulation'], [
      U('Il reste à traduire les conditions d’annulation, le juridique ne nous les a envoyées qu’hier.', { lang: 'fr' }),
    ], { lang: 'fr' }),
    F('key-rotation', 'rotation_interval', 'Wie oft werden die API-Schlüssel rotiert?', ['90 Tage', '90 days'], [
      A('Wie oft rotieren wir eigentlich die API-Schlüssel der Partner?', { lang: 'de' }),
      U('Alle 90 Tage, das steht so im Partnervertrag.', { lang: 'de' }),
    ], { lang: 'de' }),
    F('spec', 'path_url', '仕様書はどこにありますか？', ['docs.mirador.travel/ja/booking-flow'], [
      U('予約フローの仕様書は https://docs.mirador.travel/ja/booking-flow にあります。', { lang: 'ja' }),
    ], { lang: 'ja' }),
    F('rub-fn', 'function_added', 'Какую функцию добавили для рублей?', ['convert_to_rub'], [
      U('Добавил функцию convert_to_rub() для отображения цен, курс берётся раз в сутки.', { lang: 'ru' }),
      A('Отлично, тогда в строках с ценой используем результат convert_to_rub() и знак ₽ после суммы.', { lang: 'ru' }),
    ], { lang: 'ru' }),
  ],
};
