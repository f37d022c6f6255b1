"""The brochure's own words: built in for de, en, fr, ja, zh, ko, ar, he; any given in `labels:`."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Labels:
    contents: str
    introduction: str
    agenda: str
    talks: str
    gallery: str
    videos: str
    contacts: str
    imprint: str
    speakers: str  # the speaker index
    page: str
    slides: str
    watch: str
    publisher: str
    photo_credits: str
    # Photo credits cite the numbers printed in the gallery; the cover photo is one of them.
    photo_numbered: str  # "Foto {numbers}": one photo
    photos_numbered: str  # "Fotos {numbers}": more than one
    cover_and_photo: str  # "Titelbild und Foto {numbers}"
    cover_and_photos: str  # "Titelbild und Fotos {numbers}"
    built_on: str  # "{date}"
    phone: str
    email: str
    event_kind: str  # "Veranstaltungsart: Großstadtnetzwerk" in the imprint
    event: str
    speaker_sep: str
    notes: str  # a booklet's notes page
    # On paper, where a linked agenda item's talk stands: "→ S. {page}".
    page_reference: str = "→ p. {page}"


LABELS: dict[str, Labels] = {
    "de": Labels(
        contents="Inhalt", introduction="Einführung", agenda="Programm", talks="Vorträge",
        gallery="Fotogalerie", videos="Videos", contacts="Ansprechpersonen",
        imprint="Impressum", page="Seite",
        speakers="Referentinnen und Referenten", slides="Präsentation", watch="Video ansehen",
        publisher="Herausgeber", photo_credits="Bildnachweis",
        photo_numbered="Foto {numbers}", photos_numbered="Fotos {numbers}",
        cover_and_photo="Titelbild und Foto {numbers}",
        cover_and_photos="Titelbild und Fotos {numbers}",
        built_on="Stand: {date}", phone="Telefon", email="E-Mail", event_kind="Veranstaltungsart",
        event="Veranstaltung",
        speaker_sep=", ", page_reference="→ S. {page}",
        notes="Notizen",
    ),
    "en": Labels(
        contents="Contents", introduction="Introduction", agenda="Agenda", talks="Talks",
        gallery="Photo gallery", videos="Videos", contacts="Contacts",
        imprint="Imprint", page="Page",
        speakers="Speakers", slides="Slides", watch="Watch the video",
        publisher="Publisher", photo_credits="Photo credits",
        photo_numbered="Photo {numbers}", photos_numbered="Photos {numbers}",
        cover_and_photo="Cover and photo {numbers}",
        cover_and_photos="Cover and photos {numbers}",
        built_on="As of {date}", phone="Phone", email="Email", event_kind="Type of event",
        event="Event",
        speaker_sep=", ", page_reference="→ p. {page}",
        notes="Notes",
    ),
}
LABELS["fr"] = Labels(
    contents="Sommaire", introduction="Introduction", agenda="Programme", talks="Interventions",
    gallery="Galerie de photos", videos="Vidéos", contacts="Contacts",
    imprint="Mentions légales", page="Page",
    speakers="Intervenants", slides="Présentation", watch="Voir la vidéo",
    publisher="Éditeur", photo_credits="Crédits photo",
    photo_numbered="Photo {numbers}", photos_numbered="Photos {numbers}",
    cover_and_photo="Couverture et photo {numbers}",
    cover_and_photos="Couverture et photos {numbers}",
    built_on="État\u202f: {date}", phone="Téléphone", email="E-mail", event_kind="Type d’événement",
    event="Événement",
    speaker_sep=", ", page_reference="→ p. {page}",
    notes="Notes",
)
# Chinese, Japanese and Korean (issue 22): the words their conference programmes use.
LABELS["ja"] = Labels(
    contents="目次", introduction="はじめに", agenda="プログラム", talks="講演",
    gallery="フォトギャラリー", videos="動画", contacts="お問い合わせ",
    imprint="奥付", page="ページ",
    speakers="講演者", slides="スライド", watch="動画を見る",
    publisher="発行", photo_credits="写真クレジット",
    photo_numbered="写真 {numbers}", photos_numbered="写真 {numbers}",
    cover_and_photo="表紙と写真 {numbers}", cover_and_photos="表紙と写真 {numbers}",
    built_on="{date}現在", phone="電話", email="メール", event_kind="イベントの種類",
    event="イベント",
    speaker_sep="、", page_reference="→ {page}ページ",
    notes="メモ",
)
LABELS["zh"] = Labels(
    contents="目录", introduction="简介", agenda="日程", talks="报告",
    gallery="图片集", videos="视频", contacts="联系人",
    imprint="版权信息", page="页",
    speakers="报告人", slides="演示文稿", watch="观看视频",
    publisher="出版者", photo_credits="图片来源",
    photo_numbered="图 {numbers}", photos_numbered="图 {numbers}",
    cover_and_photo="封面和图 {numbers}", cover_and_photos="封面和图 {numbers}",
    built_on="截至{date}", phone="电话", email="电子邮件", event_kind="活动类型",
    event="活动",
    speaker_sep="、", page_reference="→ 第{page}页",
    notes="笔记",
)
LABELS["ko"] = Labels(
    contents="목차", introduction="소개", agenda="프로그램", talks="발표",
    gallery="사진 갤러리", videos="동영상", contacts="연락처",
    imprint="발행 정보", page="쪽",
    speakers="발표자", slides="발표 자료", watch="동영상 보기",
    publisher="발행처", photo_credits="사진 출처",
    photo_numbered="사진 {numbers}", photos_numbered="사진 {numbers}",
    cover_and_photo="표지 및 사진 {numbers}", cover_and_photos="표지 및 사진 {numbers}",
    built_on="{date} 기준", phone="전화", email="이메일", event_kind="행사 유형",
    event="행사",
    speaker_sep=", ", page_reference="→ {page}쪽",
    notes="메모",
)
# Arabic and Hebrew (issue 22): a brochure in either is set right to left; its page
# reference points left, the way it reads.
LABELS["ar"] = Labels(
    contents="المحتويات", introduction="مقدمة", agenda="البرنامج", talks="المحاضرات",
    gallery="معرض الصور", videos="مقاطع الفيديو", contacts="جهات الاتصال",
    imprint="بيانات النشر", page="صفحة",
    speakers="المتحدثون", slides="الشرائح", watch="شاهد الفيديو",
    publisher="الناشر", photo_credits="مصادر الصور",
    photo_numbered="صورة {numbers}", photos_numbered="الصور {numbers}",
    cover_and_photo="الغلاف والصورة {numbers}", cover_and_photos="الغلاف والصور {numbers}",
    built_on="بتاريخ {date}", phone="الهاتف", email="البريد الإلكتروني",
    event_kind="نوع الفعالية", event="الفعالية",
    speaker_sep="، ", page_reference="← ص. {page}",
    notes="ملاحظات",
)
LABELS["he"] = Labels(
    contents="תוכן העניינים", introduction="מבוא", agenda="תוכנית", talks="הרצאות",
    gallery="גלריית תמונות", videos="סרטונים", contacts="אנשי קשר",
    imprint="פרטי הוצאה לאור", page="עמוד",
    speakers="מרצים", slides="מצגת", watch="צפייה בסרטון",
    publisher="מוציא לאור", photo_credits="קרדיט לתמונות",
    photo_numbered="תמונה {numbers}", photos_numbered="תמונות {numbers}",
    cover_and_photo="עטיפה ותמונה {numbers}", cover_and_photos="עטיפה ותמונות {numbers}",
    built_on="נכון ל־{date}", phone="טלפון", email="דוא״ל", event_kind="סוג האירוע",
    event="אירוע",
    speaker_sep=", ", page_reference="← עמ׳ {page}",
    notes="הערות",
)
LABEL_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Labels))
# The labels that are templates, and the one field each fills in.
TEMPLATE_FIELDS: dict[str, str] = {
    "photo_numbered": "numbers", "photos_numbered": "numbers", "cover_and_photo": "numbers",
    "cover_and_photos": "numbers", "built_on": "date", "page_reference": "page",
}


def base_language(lang: str) -> str:
    """"fr" for "fr-CH" or "fr_CH": the language the built-in labels are keyed by."""
    return lang.replace("-", "_").split("_")[0].lower()


# French sets a narrow no-break space (espace fine insécable) before the high
# punctuation : ; ! ? (Imprimerie nationale); it also keeps the mark off a line's start.
_SPACE_BEFORE_HIGH_PUNCTUATION = {"fr": "\u202f"}


def space_before_punctuation(lang: str) -> str:
    """The space a language sets before ":" ";" "!" "?": U+202F in French, else none."""
    return _SPACE_BEFORE_HIGH_PUNCTUATION.get(base_language(lang), "")


# Swiss French sets the space before a colon only.
_HIGH_PUNCTUATION = {"fr": ":;!?", "fr_CH": ":"}


def spaced_punctuation(text: str, lang: str) -> str:
    """Running text with the language's space before ":" ";" "!" "?" ("mot : suite",
    "Quoi ?" in French, as U+202F); a colon in "12:30" or "https:" is left alone."""
    space = space_before_punctuation(lang)
    if not space:
        return text
    key = lang.replace("-", "_")
    marks = _HIGH_PUNCTUATION.get(key, _HIGH_PUNCTUATION["fr"])
    return re.sub(rf"(?<=[\w)\]»”’])[ \xa0\u202f]?([{re.escape(marks)}])(?=\s|$)",
                  lambda m: space + m.group(1), text)


def with_colon(label: str, lang: str) -> str:
    """ "Label:" as the language writes it before a value ("Type d’événement\u202f:")."""
    return f"{label}{space_before_punctuation(lang)}:"


def labels_for(lang: str, *overrides: dict[str, str]) -> tuple[Labels, tuple[str, ...]]:
    """The labels for lang with each override mapping applied in turn (theme, then event).

    Returns the labels and the names still missing: a language without built-in labels
    starts from English, and every label it does not override is missing.
    """
    built_in = LABELS.get(base_language(lang))
    labels = built_in or LABELS["en"]
    given: dict[str, str] = {}
    for mapping in overrides:
        given.update({k: v for k, v in mapping.items() if k in LABEL_NAMES})
    labels = replace(labels, **given)
    missing = () if built_in else tuple(n for n in LABEL_NAMES
                                        if n not in given and n != "speaker_sep")
    return labels, missing
