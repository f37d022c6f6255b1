"""A real Arabic event and a Hebrew one, with every section a brochure mirrors when it
reads right to left: contents, a Markdown table and list, an agenda of parallel rooms,
talks with speakers, photos with captions, contacts and the speaker index."""

from __future__ import annotations

# Arabic: a free-software conference in Amman (the names are common Arabic names).
ARABIC_TITLES = ("الافتتاح والترحيب", "البرمجيات الحرة في التعليم", "أمن الشبكات المفتوحة",
                 "استراحة القهوة", "لغة بايثون للمبتدئين", "مستقبل الويب العربي")
ARABIC = {
    "lang": "ar",
    "title": "مؤتمر البرمجيات الحرة",
    "subtitle": "عمّان، الدورة الخامسة",
    "event": {"start": "2024-03-05", "kind": "مؤتمر",
              "venue": {"name": "الجامعة الأردنية", "address": ["شارع الملكة رانيا", "عمّان"]}},
    "organiser": {"name": "جمعية البرمجيات الحرة"},
    "intro": ("نرحب بكم في مؤتمرنا السنوي الذي يجمع مطوري البرمجيات الحرة من كل أنحاء "
              "العالم.\n\n"
              "- ورش عمل عملية\n- محاضرات في قاعتين\n- لقاءات مفتوحة\n\n"
              "| القاعة | المقاعد |\n|---|--:|\n| القاعة الكبرى | 120 |\n| القاعة الصغرى | 40 |\n"),
    "agenda": [{"date": "2024-03-05", "items": [
        {"time": "09:00", "end": "09:30", "title": ARABIC_TITLES[0]},
        {"time": "09:30", "end": "10:30", "title": ARABIC_TITLES[1], "place": "القاعة 1",
         "people": ["يوسف الحسيني"], "talk": "education"},
        {"time": "09:30", "end": "10:30", "title": ARABIC_TITLES[2], "place": "القاعة 2",
         "people": ["ليلى منصور"], "talk": "security"},
        {"time": "10:30", "end": "11:00", "title": ARABIC_TITLES[3]},
        {"time": "11:00", "end": "12:00", "title": ARABIC_TITLES[4], "place": "القاعة 1",
         "people": ["عمر خالد"], "talk": "python"},
        {"time": "11:00", "end": "12:00", "title": ARABIC_TITLES[5], "place": "القاعة 2",
         "people": ["سارة العلي"], "talk": "web"},
    ]}],
    "talks": [
        {"id": "education", "title": ARABIC_TITLES[1],
         "speakers": [{"name": "يوسف الحسيني", "role": "أستاذ علوم الحاسوب",
                       "organisation": "الجامعة الأردنية"}],
         "abstract": "كيف تستخدم المدارس والجامعات البرمجيات الحرة في التعليم اليومي."},
        {"id": "security", "title": ARABIC_TITLES[2],
         "speakers": [{"name": "ليلى منصور", "organisation": "مختبر الشبكات"}],
         "abstract": "ممارسات عملية لحماية الشبكات المفتوحة."},
        {"id": "python", "title": ARABIC_TITLES[4],
         "speakers": [{"name": "عمر خالد"}],
         "abstract": "مقدمة إلى لغة بايثون للمبتدئين.\n\nThe workshop is held in *English*."},
        {"id": "web", "title": ARABIC_TITLES[5],
         "speakers": [{"name": "سارة العلي"}],
         "abstract": "المحتوى العربي على الويب وأدوات نشره."},
    ],
    "photos": {"credit": "© جمعية البرمجيات الحرة", "items": [
        {"file": "photos/01.jpg", "caption": "قاعة المؤتمر في الصباح", "alt": "منصة إطلاق"},
        {"file": "photos/03.jpg", "caption": "استراحة القهوة", "alt": "فنجان قهوة"},
        {"file": "photos/06.jpg", "caption": "قطة المختبر", "alt": "قطة"},
    ]},
    "contacts": [{"name": "سارة العلي", "role": "منسقة المؤتمر", "city": "عمّان",
                  "phone": "+962 6 535 5000"}],
}
PHOTOS = ("01.jpg", "03.jpg", "06.jpg")

# Hebrew: the same programme's shape, in Tel Aviv.
HEBREW_TITLES = ("פתיחה וברכות", "קוד פתוח בחינוך", "אבטחת רשתות פתוחות")
HEBREW = {
    "lang": "he",
    "title": "כנס תוכנה חופשית",
    "event": {"start": "2024-03-05", "venue": {"name": "אוניברסיטת תל אביב"}},
    "intro": "ברוכים הבאים לכנס השנתי של קהילת התוכנה החופשית בישראל.",
    "agenda": [{"date": "2024-03-05", "items": [
        {"time": "09:00", "end": "09:30", "title": HEBREW_TITLES[0]},
        {"time": "09:30", "end": "10:30", "title": HEBREW_TITLES[1], "place": "אולם 1",
         "people": ["דוד כהן"], "talk": "education"},
        {"time": "09:30", "end": "10:30", "title": HEBREW_TITLES[2], "place": "אולם 2",
         "people": ["רחל לוי"], "talk": "security"},
    ]}],
    "talks": [
        {"id": "education", "title": HEBREW_TITLES[1],
         "speakers": [{"name": "דוד כהן", "organisation": "אוניברסיטת תל אביב"}],
         "abstract": "איך בתי ספר משתמשים בתוכנה חופשית."},
        {"id": "security", "title": HEBREW_TITLES[2],
         "speakers": [{"name": "רחל לוי"}],
         "abstract": "שיטות מעשיות להגנה על רשתות."},
    ],
}
