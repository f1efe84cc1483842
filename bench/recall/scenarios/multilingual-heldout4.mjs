import { F, U, A } from './dsl.mjs';

export default {
  id: 'multilingual-sarvi',
  kind: 'multilingual',
  split: 'heldout4',
  title: 'Multilingual chat: the Sarvi localization team (Korean, Ukrainian, Czech, Turkish, Vietnamese, Finnish, English) reviewing the strings of a desktop file-search tool',
  system: 'You are the assistant in the chat of the Sarvi localization team (Sarvi is a desktop file-search tool built on find, locate and xargs). Reply in the language you are addressed in. Review translations against the team\'s reference catalogues and keep track of what the team agrees on.',
  opening: 'Hello everyone, this is the thread for the Sarvi 3.x strings. Write in your own language; the assistant reviews. Our tone reference is the findutils catalogue (grep\'s for Korean), since Sarvi wraps those tools — paste from it when you compare.',
  units: 235,
  langs: ['ko', 'uk', 'cs', 'tr', 'vi', 'fi'],
  pools: {
    ko: { files: ['multilingual-heldout4.txt'], only: ['grep.mo ko'], min: 150, max: 650 },
    uk: { files: ['multilingual-heldout4.txt'], only: ['findutils.mo uk'], min: 150, max: 650 },
    cs: { files: ['multilingual-heldout4.txt'], only: ['findutils.mo cs'], min: 150, max: 650 },
    tr: { files: ['multilingual-heldout4.txt'], only: ['findutils.mo tr'], min: 150, max: 650 },
    vi: { files: ['multilingual-heldout4.txt'], only: ['findutils.mo vi'], min: 150, max: 650 },
    fi: { files: ['multilingual-heldout4.txt'], only: ['findutils.mo fi'], min: 150, max: 650 },
  },
  final: 'Could someone write a short English status per language for the release notes?',
  facts: [
    F('platform', 'technology', '사르비 팀은 이제 어떤 번역 도구를 쓰기로 했나요?', ['Pootle'], [
      A('번역 도구에 대해 정리하면: 지금처럼 .po 파일을 저장소에서 직접 고치고 메일로 검토하는 방법이 있고, Pootle을 우리 서버에 설치해서 번역 메모리와 검토를 한곳에서 하는 방법이 있습니다. 두 번째는 설치에 하루쯤 걸리지만 릴리스마다 시간을 많이 아낄 수 있어요.', { lang: 'ko' }),
      U('좋아요, 두 번째로 해요', { lang: 'ko' }),
    ], { lang: 'ko' }),
    F('freeze', 'deadline', '사르비에 새 문자열을 추가할 수 있는 마지막 날은 언제인가요?', ['4월 25일'], [
      U('알림: 문자열 동결은 4월 11일입니다. 그 이후에는 새 문자열이 들어가지 않아요.', { lang: 'ko' }),
      U('일정 변경 소식입니다. 개발자들이 검색 필터 화면을 다시 만들고 있어서 시간이 더 필요하대요. 그래서 동결이 4월 25일로 미뤄졌습니다. 그동안 용어집을 정리하면 좋겠어요.', { lang: 'ko', gap: 'far' }),
      A('알겠습니다, 팀 일정표를 고쳐 둘게요.', { lang: 'ko' }),
    ], { old: ['4월 11일'], lang: 'ko' }),
    F('ko-reviewer', 'owner', '한국어 번역을 마지막으로 검토하는 사람은 누구인가요?', ['서연 씨'], [
      U('한국어 쪽 질문이 있었는데요, 민준 씨 말로는 한국어 최종 검토는 서연 씨가 맡는대요. 용어 문제는 그분께 물어보면 됩니다.', { lang: 'ko' }),
      A('좋습니다, 한국어 검토 요청은 앞으로 그분께 배정할게요.', { lang: 'ko' }),
    ], { lang: 'ko' }),
    F('build-host', 'host', 'На якій машині збираються каталоги перекладів?', ['kyiv-build-04.sarvi.org'], [
      U('Хтось знає, де саме збираються каталоги? Хочу подивитися журнал останньої невдалої збірки.', { lang: 'uk' }),
      U('Знайшов: збірки йдуть на kyiv-build-04.sarvi.org, журнали лежать у теці завдання.', { lang: 'uk', gap: 2 }),
    ], { lang: 'uk' }),
    F('paths', 'constraint', 'Що в рядках Sarvi ніколи не можна перекладати?', ['шляхи до файлів'], [
      U('Правило, яке ми узгодили з розробниками, і воно не обговорюється. Шляхи до файлів у рядках ніколи не перекладаються, навіть якщо там стоїть щось схоже на звичайне слово, наприклад «Documents». Користувач копіює їх у термінал, і перекладений шлях просто не існує. Це стосується всіх мов.', { lang: 'uk' }),
      A('Зрозуміло, я позначатиму кожен такий переклад як помилку.', { lang: 'uk' }),
    ], { lang: 'uk' }),
    F('mt-quota', 'max_amount', 'Скільки слів на місяць можна відправити в машинний переклад?', ['12 000 слів'], [
      U('Щодо машинного перекладу: наша квота — 8 000 слів на місяць для всіх мов разом.', { lang: 'uk' }),
      U('Добра новина від фонду: квоту машинного перекладу збільшили до 12 000 слів на місяць, тож можна прогнати й довідкові сторінки.', { lang: 'uk', gap: 'far' }),
      A('Чудово, додам довідку до черги.', { lang: 'uk' }),
    ], { old: ['8 000 слів'], lang: 'uk' }),
    F('glossary-file', 'file_created', 'Jak se jmenuje soubor s českým glosářem?', ['po/cs_glossary.tbx'], [
      U('Pro terminologii jsem založil soubor po/cs_glossary.tbx. Jsou v něm zatím jen pojmy z vyhledávacího dialogu, zbytek doplním během týdne.', { lang: 'cs' }),
      A('Díky, při kontrole ho budu používat jako referenci.', { lang: 'cs' }),
    ], { lang: 'cs' }),
    F('upload-retry', 'retry_policy', 'Co se stane, když nahrání katalogů na zrcadlo selže?', ['čtyřikrát po třech minutách'], [
      A('Nahrávání katalogů na zrcadlo občas selže, když se tam zrovna synchronizuje. Navrhuji, aby to skript zkusil čtyřikrát po třech minutách a pak poslal zprávu do týmového kanálu. V noci tak nikdo nemusí zasahovat.', { lang: 'cs' }),
      U('jo, souhlasím', { lang: 'cs' }),
    ], { lang: 'cs' }),
    F('quotes', 'preference', 'Jaké uvozovky se mají používat v češtině?', ['české uvozovky'], [
      U('Ještě k typografii. V češtině chci všude české uvozovky, tedy „takhle“, a ne rovné anglické. Referenční katalog to místy nedodržuje, v tom se jím neřiďte. Platí to i pro krátké popisky tlačítek.', { lang: 'cs' }),
    ], { lang: 'cs' }),
    F('plural-check', 'function_added', 'Çoğul biçimlerini denetlemek için hangi fonksiyon eklendi?', ['check_plural_forms'], [
      U('Denetim betiğine check_plural_forms() adında bir fonksiyon ekledim. Eksik msgstr[1] satırlarını buluyor ve satır numarasıyla bildiriyor.', { lang: 'tr' }),
      A('Teşekkürler, bir sonraki kontrolde hemen kullanacağım.', { lang: 'tr' }),
    ], { lang: 'tr' }),
    F('tr-build', 'error_seen', 'Türkçe kataloğun derlenmesinde hangi hata çıktı?', ['tr.po:512'], [
      U('Derleme Türkçe katalogda durdu: "tr.po:512: missing \'msgstr[1]\' section" diyor. Sebebini bilen var mı?', { lang: 'tr' }),
      A('Çoğul biçimli bir girişte ikinci biçim eksik. Düzeltip yeniden derleyeceğim.', { lang: 'tr' }),
    ], { lang: 'tr' }),
    F('tr-version', 'release_version', 'Türkçe çeviri Sarvi\'nin hangi sürümüyle yayımlanacak?', ['3.3.0'], [
      A('Türkçe çeviri hangi sürümle çıkacak? Duyuruya yazmak istiyorum.', { lang: 'tr' }),
      U('Bir dakika, yol haritasına bakıyorum.', { lang: 'tr' }),
      U('3.2 ile değil, 3.3.0 ile çıkıyor; 3.2\'ye yetişmedi.', { lang: 'tr', gap: 2 }),
    ], { lang: 'tr' }),
    F('mt-badge', 'feature_flag', 'Tùy chọn nào đánh dấu các chuỗi được dịch bằng máy?', ['show_machine_translated_badge'], [
      A('Tôi có một đề xuất cho các bản dịch máy chưa được duyệt. Hiện giờ người dùng không phân biệt được chuỗi nào do máy dịch. Ta có thể bật tùy chọn show_machine_translated_badge: các chuỗi đó sẽ có một biểu tượng nhỏ bên cạnh cho đến khi có người duyệt. Các ngôn ngữ đã duyệt đủ thì không thay đổi gì.', { lang: 'vi' }),
      U('ok, làm đi', { lang: 'vi' }),
    ], { lang: 'vi' }),
    F('sync-time', 'time_of_day', 'Các danh mục được đẩy lên kho lúc mấy giờ?', ['23:15 giờ Hà Nội'], [
      U('Nhắc mọi người: việc đồng bộ danh mục lên kho chạy lúc 22:00 giờ Hà Nội mỗi ngày.', { lang: 'vi' }),
      U('Thay đổi lịch: máy chủ kho bận sao lưu vào buổi tối, nên từ tuần này đồng bộ chạy lúc 23:15 giờ Hà Nội. Bản dịch lưu sau giờ đó sẽ vào kho ngày hôm sau.', { lang: 'vi', gap: 'far' }),
      A('Đã cập nhật lịch trong tài liệu của nhóm.', { lang: 'vi' }),
    ], { old: ['22:00 giờ Hà Nội'], lang: 'vi' }),
    F('merge-script', 'deleted_module', 'Script cũ nào đã bị bỏ khỏi quy trình build?', ['po-merge-legacy.sh'], [
      U('Thêm một việc: script cũ po-merge-legacy.sh đã bị xóa khỏi quy trình, giờ việc gộp bản dịch do công cụ mới làm.', { lang: 'vi' }),
      A('Được, mình sẽ cập nhật hướng dẫn cho người dịch mới.', { lang: 'vi' }),
    ], { lang: 'vi' }),
    F('mt-rate', 'rate_limit', 'Kuinka monta pyyntöä konekäännöspalveluun saa lähettää?', ['600 pyyntöä minuutissa'], [
      U('Varoitus konekäännöksestä. Jussi sanoi, että palvelu sallii enintään 600 pyyntöä minuutissa, ja sen yli menevät pyynnöt hylätään ilman virheilmoitusta. Eilen puolet katalogista jäi siksi kääntämättä. Korjasin skriptin jakamaan työn osiin.', { lang: 'fi' }),
    ], { lang: 'fi' }),
    F('shortcuts', 'open_task', 'Mitä suomenkielisestä käännöksestä on vielä tarkistamatta?', ['pikanäppäimet'], [
      U('Suomeksi puuttuu vielä yksi asia: pikanäppäimet pitää käydä läpi, osa niistä menee päällekkäin valikoissa.', { lang: 'fi' }),
      A('Lisäsin sen tehtävälistalle.', { lang: 'fi' }),
    ], { lang: 'fi' }),
    F('password', 'rotation_interval', 'Kuinka usein käännöstilin salasana vaihdetaan?', ['kahden kuukauden välein', '60 päivän välein'], [
      U('Käännöstilin salasana vaihdetaan kahden kuukauden välein, ja uusi on tiimin holvissa.', { lang: 'fi' }),
      A('Selvä, eli 60 päivän välein. Älkää kirjoittako sitä skripteihin.', { lang: 'fi' }),
    ], { lang: 'fi' }),
    F('tm-project', 'account_id', "What is Sarvi's project number with the machine-translation vendor?", ['SARVI-MT-7720'], [
      A('For the support ticket with the machine-translation vendor I need our project number. Does anyone have it?', { lang: 'en' }),
      U('It is SARVI-MT-7720, it was in the contract mail.', { lang: 'en', gap: 2 }),
    ], { lang: 'en' }),
    F('styleguide', 'path_url', "Where is the current style guide for Sarvi's translators?", ['l10n.sarvi.org/style/2024'], [
      U('In English for everybody, the links that matter:\n\n- glossary export: https://l10n.sarvi.org/glossary.csv\n- style guide: https://l10n.sarvi.org/style/2024\n- old wiki (frozen): https://wiki.sarvi.org/Translators', { lang: 'en' }),
    ], { lang: 'en' }),
  ],
};
