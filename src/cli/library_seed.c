/* library_seed.c — the library's starter content: the civic-tech communities this project
 * started from, their COVID-19 projects, and a few guides and answers, in Persian and English.
 *
 * Written in our own words; loaded as published documents (origin "seed") by hy_library_seed()
 * when the store's library is empty, on `hamyari migrate` and on every start (idempotent: the
 * meta key "library_seeded" and the document count both guard it). Seed content is real
 * content, not demo data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/library.h"
#include "cli/cli.h"
#include "domain/library.h"
#include "store/library.h"
#include "util/clock.h"
#include "util/log.h"

struct seed_org {
    const char *slug, *name_fa, *name_en, *region, *country, *website, *desc_fa, *desc_en;
};

static const struct seed_org seed_orgs[] = {
    {"ciudadania-inteligente", "سیودادانیا اینتلیخنته", "Ciudadanía Inteligente", "latin_america",
     "CL", "https://ciudadaniai.org",
     "سازمانی در آمریکای لاتین که با فناوری و مشارکت شهروندان برای شفافیت و دموکراسی کار می‌کند.",
     "A Latin American organisation that uses technology and citizen participation to work for "
     "transparency and democracy."},
    {"civic-tech-sweden", "سیویک‌تک سوئد", "Civic Tech Sweden", "europe", "SE",
     "https://civictech.se",
     "شبکه‌ای از داوطلبان و سازمان‌ها در سوئد که فناوری مدنی و دادهٔ باز را ترویج می‌کنند.",
     "A Swedish network of volunteers and organisations promoting civic technology and open "
     "data."},
    {"code-for-africa", "کد برای آفریقا", "Code for Africa", "africa", NULL,
     "https://codeforafrica.org",
     "شبکه‌ای از آزمایشگاه‌های فناوری مدنی و روزنامه‌نگاری داده در کشورهای آفریقایی.",
     "A network of civic technology and data journalism labs across African countries."},
    {"code-for-america", "کد برای آمریکا", "Code for America", "north_america", "US",
     "https://codeforamerica.org",
     "سازمانی غیرانتفاعی که با دولت‌ها کار می‌کند تا خدمات عمومی دیجیتال ساده‌تر و "
     "انسانی‌تر شوند.",
     "A non-profit that works with governments to make digital public services simpler and more "
     "humane."},
    {"code-for-philly", "کد برای فیلی", "Code for Philly", "north_america", "US",
     "https://codeforphilly.org",
     "گروهی داوطلب در فیلادلفیا که پروژه‌های فناوری مدنی محلی می‌سازند.",
     "A volunteer group in Philadelphia building local civic technology projects."},
    {"code-for-australia", "کد برای استرالیا", "Code for Australia", "oceania", "AU",
     "https://codeforaustralia.org",
     "سازمانی که فناوران را برای همکاری با نهادهای دولتی در استرالیا گرد هم می‌آورد.",
     "An organisation that brings technologists together with government agencies in "
     "Australia."},
    {"code-for-canada", "کد برای کانادا", "Code for Canada", "north_america", "CA",
     "https://codefor.ca",
     "سازمانی غیرانتفاعی که فناوری مدنی و همکاری با دولت را در کانادا پیش می‌برد.",
     "A non-profit advancing civic technology and collaboration with government in Canada."},
    {"code-for-germany", "کد برای آلمان", "Code for Germany", "europe", "DE",
     "https://codefor.de",
     "شبکه‌ای از آزمایشگاه‌های داوطلب در شهرهای آلمان که با دادهٔ باز ابزارهای مدنی می‌سازند.",
     "A network of volunteer labs in German cities building civic tools with open data."},
    {"code-for-japan", "کد برای ژاپن", "Code for Japan", "asia", "JP",
     "https://www.code4japan.org",
     "جامعه‌ای در ژاپن که شهروندان و دولت‌های محلی را در ساختن فناوری مدنی همراه می‌کند.",
     "A community in Japan that brings citizens and local governments together to build civic "
     "technology."},
    {"code-for-pakistan", "کد برای پاکستان", "Code for Pakistan", "asia", "PK",
     "https://codeforpakistan.org",
     "سازمانی غیرانتفاعی که نوآوری مدنی و همکاری جوانان با دولت را در پاکستان ترویج می‌کند.",
     "A non-profit promoting civic innovation and collaboration between young technologists and "
     "government in Pakistan."},
    {"code-for-romania", "کد برای رومانی", "Code for Romania", "europe", "RO", "https://code4.ro",
     "سازمانی داوطلبانه در رومانی که برای مسائل عمومی نرم‌افزار رایگان و متن‌باز می‌سازد.",
     "A volunteer organisation in Romania building free, open-source software for public "
     "problems."},
    {"codeando-mexico", "کدآندو مکزیک", "Codeando México", "latin_america", "MX",
     "https://codeandomexico.org",
     "جامعه‌ای در مکزیک که با فناوری باز و مشارکت شهروندان راه‌حل‌های عمومی می‌سازد.",
     "A community in Mexico building public solutions with open technology and citizen "
     "participation."},
    {"invisible-hands", "دست‌های نامرئی", "Invisible Hands", "north_america", "US",
     "https://www.invisiblehandsdeliver.org",
     "گروهی داوطلب در نیویورک که از آغاز همه‌گیری برای افراد در معرض خطر خرید می‌رساند.",
     "A volunteer group in New York that began delivering groceries to at-risk people at the "
     "start of the pandemic."},
    {"covid-mutual-aid-uk", "همیاری کووید-۱۹ بریتانیا", "Covid-19 Mutual Aid UK", "europe", "GB",
     "https://covidmutualaid.org",
     "شبکه‌ای که در سال ۲۰۲۰ به گروه‌های همیاری محلی در بریتانیا منابع و راهنما می‌داد.",
     "A network that in 2020 supported local mutual aid groups in the UK with resources and "
     "guides."},
    {"oecd-opsi", "رصدخانهٔ نوآوری بخش عمومی OECD", "OECD Observatory of Public Sector Innovation",
     "global", NULL, "https://oecd-opsi.org",
     "بخشی از OECD که نمونه‌های نوآوری در بخش عمومی را گردآوری و تحلیل می‌کند.",
     "Part of the OECD that collects and analyses examples of public sector innovation."},
};

struct seed_project {
    const char *slug, *org, *name_fa, *name_en, *desc_fa, *desc_en, *website, *country, *level,
        *stage, *themes;
    int year;
};

static const struct seed_project seed_projects[] = {
    {"tokyo-covid19-site", "code-for-japan", "وب‌سایت اطلاعات کووید-۱۹ توکیو",
     "Tokyo COVID-19 information site",
     "سایتی متن‌باز با داده‌های روزانهٔ همه‌گیری که با دولت شهر توکیو ساخته شد و شهرهای دیگر "
     "از کد آن استفاده کردند.",
     "An open-source site of daily pandemic data built with the Tokyo Metropolitan Government; "
     "other prefectures reused its code.",
     NULL, "JP", "regional", "diffusion", "open-data health", 2020},
    {"code4ro-covid-apps", "code-for-romania", "مجموعه‌نرم‌افزارهای کووید-۱۹ کد برای رومانی",
     "Code for Romania's COVID-19 apps",
     "مجموعه‌ای از برنامه‌های رایگان برای اطلاع‌رسانی رسمی، داده و هماهنگی داوطلبان در همه‌گیری.",
     "A set of free apps for official information, data and volunteer coordination during the "
     "pandemic.",
     NULL, "RO", "national", "implementation", "open-data volunteering", 2020},
    {"pesacheck-covid", "code-for-africa", "راستی‌آزمایی ادعاهای کووید-۱۹ در PesaCheck",
     "PesaCheck fact-checks of COVID-19 claims",
     "بررسی ادعاهای نادرست دربارهٔ همه‌گیری و انتشار نتیجه برای عموم.",
     "Checking false claims about the pandemic and publishing the findings.", NULL, NULL,
     "non_governmental", "implementation", "misinformation health", 2020},
    {"getcalfresh", "code-for-america", "GetCalFresh", "GetCalFresh",
     "خدمتی آنلاین برای درخواست کمک غذایی در کالیفرنیا که در همه‌گیری پرکاربرد شد.",
     "An online service for applying for food assistance in California, heavily used during "
     "the pandemic.",
     NULL, "US", "regional", "diffusion", "food public-services", 2020},
    {"invisible-hands-delivery", "invisible-hands", "رساندن خرید به افراد در معرض خطر",
     "Grocery delivery for at-risk neighbours",
     "داوطلبان خرید و دارو را برای سالمندان و افراد آسیب‌پذیر در نیویورک می‌بردند.",
     "Volunteers delivered groceries and medicine to older and vulnerable people in New York.",
     NULL, "US", "local", "implementation", "food volunteering", 2020},
    {"mutual-aid-uk-network", "covid-mutual-aid-uk", "شبکهٔ گروه‌های همیاری محلی",
     "Local mutual aid group network",
     "فهرست گروه‌های محلی، راهنمای راه‌اندازی گروه و منابع برای هماهنگ‌کنندگان.",
     "A directory of local groups, a guide to starting one and resources for organisers.", NULL,
     "GB", "non_governmental", "diffusion", "mutual-aid volunteering", 2020},
    {"opsi-covid-tracker", "oecd-opsi", "ردیاب پاسخ‌های نوآورانه به کووید-۱۹",
     "COVID-19 Innovative Response Tracker",
     "گردآوری پاسخ‌های نوآورانهٔ دولت‌ها و جامعه به همه‌گیری برای یادگیری از یکدیگر.",
     "A collection of innovative responses to the pandemic by governments and communities, for "
     "learning from each other.",
     NULL, NULL, "international", "diffusion", "public-services open-data", 2020},
};

struct seed_doc {
    const char *type, *themes;
    const char *title_fa, *summary_fa, *body_fa;
    const char *title_en, *summary_en, *body_en;
};

static const struct seed_doc seed_docs[] = {
    {"guide", "mutual-aid volunteering",
     "چگونه یک گروه همیاری محلی راه بیندازیم",
     "قدم‌های نخست برای گرد آوردن همسایه‌ها و سازمان دادن کمک در محله.",
     "## پیش از شروع\n\nببینید آیا در محلهٔ شما گروهی هست؛ پیوستن بهتر از ساختن گروهی تازه است.\n\n"
     "## قدم‌ها\n\n1. محدودهٔ کوچکی انتخاب کنید: چند کوچه یا یک مجتمع.\n"
     "2. راهی ساده برای تماس بسازید: یک شمارهٔ تلفن و یک برگهٔ کاغذی برای کسانی که اینترنت ندارند.\n"
     "3. دست‌کم دو هماهنگ‌کننده داشته باشید تا کار به یک نفر وابسته نماند.\n"
     "4. قاعده‌های ساده بنویسید: پول نقد دست‌به‌دست نشود، اطلاعات شخصی جایی پخش نشود.\n"
     "5. کار را با درخواست‌های ساده شروع کنید: خرید، دارو، تماس تلفنی.\n",
     "How to start a local mutual aid group",
     "First steps to bring neighbours together and organise help on your street.",
     "## Before you start\n\nCheck whether your area already has a group: joining is better than "
     "starting another.\n\n## Steps\n\n1. Pick a small area: a few streets or one building.\n"
     "2. Make contact easy: one phone number, and a paper leaflet for people who are not online.\n"
     "3. Have at least two coordinators so the work never depends on one person.\n"
     "4. Write down simple rules: no cash changes hands, no personal details are shared.\n"
     "5. Start with simple requests: shopping, medicine, a phone call.\n"},
    {"guide", "health volunteering",
     "تحویل بدون تماس و ایمن",
     "چگونه خرید یا دارو را بدون تماس نزدیک و با کمترین خطر برسانیم.",
     "## پیش از تحویل\n\n- اگر علامت بیماری دارید، تحویل را به داوطلب دیگری بسپارید.\n"
     "- زمان تحویل را تلفنی هماهنگ کنید.\n\n## هنگام تحویل\n\n"
     "- بسته را پشت در بگذارید، در بزنید و دو متر عقب بایستید.\n"
     "- صبر کنید تا فرد بسته را بردارد؛ مطمئن شوید به دستش رسیده است.\n\n"
     "## پرداخت\n\nپول نقد نگیرید. اگر هزینه‌ای هست، از راهی که گروه تعیین کرده پرداخت شود.\n",
     "Safe contactless delivery",
     "How to deliver shopping or medicine without close contact and with the least risk.",
     "## Before the delivery\n\n- If you have symptoms, hand the delivery to another volunteer.\n"
     "- Agree a time by phone.\n\n## At the door\n\n"
     "- Leave the bag at the door, knock and step two metres back.\n"
     "- Wait until the person has taken it, so you know it arrived.\n\n"
     "## Payment\n\nDo not take cash. Any costs are settled the way your group has agreed.\n"},
    {"guide", "data-protection",
     "حفاظت از اطلاعات مردم",
     "نام، تلفن و نشانی کسانی که کمک می‌خواهند امانت است؛ این‌طور از آن نگهداری کنیم.",
     "## اصل‌ها\n\n- فقط همان اطلاعاتی را بپرسید که برای کمک لازم است.\n"
     "- اطلاعات شخصی را در گروه‌های پیام‌رسان عمومی نگذارید.\n"
     "- فقط داوطلبی که کار را پذیرفته نشانی را ببیند.\n"
     "- وقتی کار تمام شد، اطلاعات را پاک کنید.\n\n"
     "همیاری شماره‌ها را جدا نگه می‌دارد و پس از مدتی خودکار پاک می‌کند.\n",
     "Protecting people's data",
     "The name, phone and address of someone asking for help are held in trust; here is how to "
     "keep them safe.",
     "## Principles\n\n- Ask only for what you need to help.\n"
     "- Never post personal details in open chat groups.\n"
     "- Only the volunteer who took the task sees the address.\n"
     "- Delete the details when the task is done.\n\n"
     "Hamyari keeps phone numbers apart and erases them automatically after a while.\n"},
    {"faq", "mutual-aid", "همیاری چیست؟",
     "همیاری یعنی همسایه‌ها بی‌واسطه به هم کمک کنند، نه صدقه از بالا به پایین.",
     "در همیاری همه می‌توانند هم کمک بدهند و هم کمک بگیرند. گروه‌ها محلی‌اند و تصمیم‌ها را "
     "اعضا می‌گیرند.\n",
     "What is mutual aid?",
     "Mutual aid is neighbours helping each other directly, not charity handed down.",
     "In mutual aid everyone can both give and receive help. Groups are local and their members "
     "make the decisions.\n"},
    {"faq", "volunteering", "برای داوطلب شدن باید متخصص باشم؟",
     "نه. بیشتر کارها ساده‌اند: خرید، بردن دارو، یک تماس تلفنی دوستانه.",
     "هر کس با چند ساعت وقت در هفته می‌تواند کمک کند. برای کارهایی مثل بردن دارو، هماهنگ‌کننده "
     "راهنمایی می‌کند.\n",
     "Do I need special skills to volunteer?",
     "No. Most tasks are simple: shopping, collecting medicine, a friendly phone call.",
     "Anyone with a few hours a week can help. For tasks such as collecting prescriptions, a "
     "coordinator explains what to do.\n"},
    {"faq", "data-protection", "شمارهٔ تلفن من کجا نگه داشته می‌شود؟",
     "فقط هماهنگ‌کننده و داوطلبی که کار شما را پذیرفته آن را می‌بینند و پس از مدتی پاک می‌شود.",
     "شماره‌ها جدا از بقیهٔ داده‌ها نگه داشته می‌شوند و در صفحه‌های عمومی هرگز نشان داده "
     "نمی‌شوند.\n",
     "Where is my phone number kept?",
     "Only the coordinator and the volunteer who takes your task see it, and it is erased after "
     "a while.",
     "Phone numbers are kept apart from other data and never shown on public pages.\n"},
    {"toolkit", "mutual-aid volunteering",
     "جعبه‌ابزار ماه نخست یک گروه",
     "فهرست کارهای ماه اول: تماس، نوبت‌بندی داوطلبان، پیگیری درخواست‌ها.",
     "- یک برگهٔ تماس چاپی برای صندوق‌های پست محله\n- جدول نوبت داوطلبان\n"
     "- فرم ثبت درخواست با کمترین اطلاعات لازم\n- جلسهٔ کوتاه هفتگی هماهنگ‌کنندگان\n",
     "A group's first-month toolkit",
     "What to do in the first month: contact, volunteer rotas, following up requests.",
     "- A printed contact leaflet for letterboxes\n- A volunteer rota\n"
     "- A request form that asks for the minimum\n- A short weekly coordinators' meeting\n"},
};

/* A deterministic id for seed item `kind`/`i`/language (both stores, every install). */
static void seed_id(char out[HY_ID_LEN + 1], unsigned kind, unsigned i, unsigned lang) {
    snprintf(out, HY_ID_LEN + 1, "5eed%04x%04x%04x000000000000%04x", kind, i, lang, kind + i);
}

static int put_doc(hy_store *s, hy_arena *a, const char *id, const char *group, const char *type,
                   const char *lang, const char *title, const char *summary, const char *body,
                   const char *themes, const char *country, const char *level, const char *stage,
                   int year, bool covid, const char *org, int64_t now) {
    struct hy_lib_doc d = {0};
    memcpy(d.id, id, HY_ID_LEN + 1);
    d.type = type;
    d.language = lang;
    d.translation_group = group;
    d.title = title;
    d.summary = summary;
    d.body_md = body;
    d.themes = themes;
    d.country = country;
    d.level = level;
    d.stage = stage;
    d.year = year;
    d.covid = covid;
    d.organisations = org ? hy_arena_printf(a, "[\"%s\"]", org) : "[]";
    d.authors = "[\"Hamyari\"]";
    d.status = "published";
    d.origin = "seed";
    d.created_at = d.updated_at = d.published_at = d.sort_at = now;
    int r = hy_lib_create(s, a, &d, NULL, "seed");
    return r == HY_DB_NONE ? HY_DB_ONE : r;
}

static int seed_tx(hy_store *s, void *ctx) {
    int *done = ctx;
    char *flag = NULL;
    int r = s->ops->meta_get(s, "library_seeded", &flag);
    if (r < 0) return r;
    if (r == HY_DB_ONE) {
        free(flag);
        *done = 0;
        return HY_DB_ONE;
    }
    int64_t count = 0;
    if ((r = s->ops->library->doc_count(s, &count, NULL)) < 0) return r;
    if (count > 0) { /* an operator's own library: leave it alone */
        *done = 0;
        return s->ops->meta_set(s, "library_seeded", "skipped");
    }
    hy_arena *a = hy_arena_new(0);
    if (!a) return HY_DB_HARD;
    int64_t now = hy_clock_now();
    r = HY_DB_ONE;
    for (size_t i = 0; i < sizeof seed_orgs / sizeof seed_orgs[0] && r >= 0; i++) {
        const struct seed_org *o = &seed_orgs[i];
        struct hy_lib_org org = {o->slug,    o->name_fa, o->name_en, o->region, o->country,
                                 o->website, o->desc_fa, o->desc_en, "seed"};
        r = s->ops->library->org_put(s, &org);
    }
    for (size_t i = 0; i < sizeof seed_projects / sizeof seed_projects[0] && r >= 0; i++) {
        const struct seed_project *p = &seed_projects[i];
        const char *org_en = NULL;
        for (size_t k = 0; k < sizeof seed_orgs / sizeof seed_orgs[0]; k++)
            if (!strcmp(seed_orgs[k].slug, p->org)) org_en = seed_orgs[k].name_en;
        char en[HY_ID_LEN + 1], fa[HY_ID_LEN + 1];
        seed_id(en, 1, (unsigned)i, 1);
        seed_id(fa, 1, (unsigned)i, 2);
        r = put_doc(s, a, en, en, "project", "en", p->name_en, p->desc_en, p->desc_en, p->themes,
                    p->country, p->level, p->stage, p->year ? p->year : 2020, true, org_en, now);
        if (r >= 0)
            r = put_doc(s, a, fa, en, "project", "fa", p->name_fa, p->desc_fa, p->desc_fa,
                        p->themes, p->country, p->level, p->stage, p->year ? p->year : 2020, true,
                        org_en, now);
        if (r < 0) break;
        struct hy_lib_project pr = {p->slug, p->org, p->name_fa, p->name_en, p->desc_fa,
                                    p->desc_en, p->website, 2020, true, en};
        r = s->ops->library->project_put(s, &pr);
    }
    for (size_t i = 0; i < sizeof seed_docs / sizeof seed_docs[0] && r >= 0; i++) {
        const struct seed_doc *d = &seed_docs[i];
        char en[HY_ID_LEN + 1], fa[HY_ID_LEN + 1];
        seed_id(en, 2, (unsigned)i, 1);
        seed_id(fa, 2, (unsigned)i, 2);
        r = put_doc(s, a, en, en, d->type, "en", d->title_en, d->summary_en, d->body_en,
                    d->themes, NULL, "non_governmental", NULL, 2020, false, NULL, now);
        if (r >= 0)
            r = put_doc(s, a, fa, en, d->type, "fa", d->title_fa, d->summary_fa, d->body_fa,
                        d->themes, NULL, "non_governmental", NULL, 2020, false, NULL, now);
    }
    for (size_t i = 0; i < hy_seed_faqs_count && r >= 0; i++) {
        const struct hy_seed_faq *d = &hy_seed_faqs[i];
        char en[HY_ID_LEN + 1], fa[HY_ID_LEN + 1];
        seed_id(en, 3, (unsigned)i, 1);
        seed_id(fa, 3, (unsigned)i, 2);
        r = put_doc(s, a, en, en, "faq", "en", d->title_en, d->summary_en, d->body_en,
                    d->themes, NULL, "non_governmental", NULL, 2020, false, NULL, now);
        if (r >= 0)
            r = put_doc(s, a, fa, en, "faq", "fa", d->title_fa, d->summary_fa, d->body_fa,
                        d->themes, NULL, "non_governmental", NULL, 2020, false, NULL, now);
    }
    hy_arena_free(a);
    if (r < 0) return r;
    *done = 1;
    return s->ops->meta_set(s, "library_seeded", "1");
}

int hy_library_seed(hy_db *db) {
    int done = 0;
    int r = hy_db_run(db, HY_TX_WRITE, seed_tx, &done);
    if (r < 0) {
        hy_error("library: loading the starter content failed");
        return -1;
    }
    if (done) hy_info("library: starter content loaded (communities, guides, answers)");
    return 0;
}
