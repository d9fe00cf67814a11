/* library_faq.c — the starter answers to frequently asked questions (asking for help,
 * volunteering, privacy), in Persian and English, which the FAQ assistant and /faq show.
 * Written for Hamyari; loaded with the rest of the starter content (library_seed.c). */
#include "cli/cli.h"

const struct hy_seed_faq hy_seed_faqs[] = {
    {"mutual-aid", "چطور درخواست کمک بدهم؟",
     "فرم «کمک می‌خواهم» را پر کنید یا پیامک بفرستید؛ بدون ساختن حساب کاربری.",
     "در صفحهٔ [کمک می‌خواهم](/help) نام، شمارهٔ تلفن، نشانی و نوع کمکی را که لازم دارید "
     "بنویسید. حساب کاربری و رمز لازم نیست. اگر اینترنت ندارید، یک پیامک به شمارهٔ گروه بفرستید و "
     "بنویسید چه لازم دارید.\n\nپس از ثبت، یک کد پیگیری می‌گیرید. یکی از هماهنگ‌کنندگان با شما "
     "تماس می‌گیرد تا جزئیات را بپرسد و بعد داوطلبی نزدیک شما کار را بر عهده می‌گیرد.\n",
     "How do I ask for help?",
     "Fill in the “I need help” form or send a text message; you do not need an account.",
     "On the [I need help](/help) page give your name, phone number, address and the kind of "
     "help you need. No account or password is needed. If you are not online, send a text "
     "message to your group's number saying what you need.\n\nYou get a tracking code. A "
     "coordinator calls you to check the details, then a volunteer near you takes the task.\n"},
    {"mutual-aid", "برای کس دیگری، مثلاً مادرم، می‌توانم درخواست کمک بدهم؟",
     "بله. در فرم بگویید درخواست برای کس دیگری است و شمارهٔ خود او را هم بنویسید.",
     "بسیاری از درخواست‌ها را فرزندان، نوه‌ها یا همسایه‌ها برای سالمندان ثبت می‌کنند. در فرم "
     "گزینهٔ «برای کس دیگر» را بزنید. هماهنگ‌کننده پیش از فرستادن داوطلب با خود آن فرد تماس "
     "می‌گیرد تا مطمئن شود کمک را می‌خواهد و بداند چه کسی در خانه‌اش را می‌زند.\n",
     "Can I ask for help for someone else, such as my mother?",
     "Yes. Say on the form that the request is for someone else and give their own number too.",
     "Many requests are made by children, grandchildren or neighbours for older people. Choose "
     "“for someone else” on the form. Before a volunteer is sent, a coordinator calls the person "
     "to make sure they want the help and know who will knock on their door.\n"},
    {"mutual-aid", "کمک گرفتن هزینه دارد؟",
     "نه. کمک داوطلبان رایگان است؛ فقط بهای خرید یا دارو را خودتان می‌پردازید.",
     "داوطلبان برای کارشان پولی نمی‌گیرند. اگر برایتان خرید یا دارو می‌آورند، بهای همان اجناس "
     "را با رسید می‌پردازید، به روشی که هماهنگ‌کننده با شما هماهنگ می‌کند. اگر پرداخت برایتان "
     "دشوار است به هماهنگ‌کننده بگویید؛ بسیاری از گروه‌ها برای این وضع راه‌حلی دارند. پول نقد "
     "را به کسی که نمی‌شناسید ندهید.\n",
     "Does getting help cost anything?",
     "No. Volunteers help for free; you pay only for the shopping or medicine itself.",
     "Volunteers are not paid for their time. If they bring shopping or medicine, you pay for "
     "those goods against a receipt, in the way the coordinator agrees with you. If paying is "
     "hard for you, tell the coordinator: many groups have a way to cover it. Never hand cash to "
     "someone you do not know.\n"},
    {"mutual-aid", "چطور پیگیری کنم درخواستم به کجا رسیده؟",
     "کد پیگیری را در صفحهٔ «پیگیری» وارد کنید یا به هماهنگ‌کننده زنگ بزنید.",
     "پس از ثبت درخواست یک کد پیگیری هشت‌حرفی می‌گیرید. در صفحهٔ [پیگیری](/track) آن را وارد "
     "کنید تا ببینید درخواست در چه مرحله‌ای است: در انتظار تماس، سپرده به داوطلب یا انجام‌شده. "
     "این صفحه نام و نشانی شما را نشان نمی‌دهد. از همان‌جا می‌توانید درخواست را لغو کنید.\n",
     "How do I follow my request?",
     "Enter your tracking code on the Track page, or call your coordinator.",
     "After you ask for help you get an eight-character tracking code. Enter it on the "
     "[Track](/track) page to see where your request stands: waiting for a call, taken by a "
     "volunteer, or done. The page never shows your name or address. You can cancel the request "
     "there too.\n"},
    {"mutual-aid", "چه کمک‌هایی می‌توانم بخواهم؟",
     "خرید مواد غذایی، گرفتن و رساندن دارو، کارهای بیرون از خانه و تماس دوستانه برای تنهایی.",
     "داوطلبان بیشتر این کارها را انجام می‌دهند: خرید مواد غذایی و مایحتاج، گرفتن نسخه و رساندن "
     "دارو از داروخانه، کارهای کوچک بیرون از خانه مثل پست کردن نامه، و تماس تلفنی منظم برای "
     "کسانی که تنها هستند. کارهای پزشکی، پرستاری یا حمل بیمار کار داوطلبان نیست.\n",
     "What kind of help can I ask for?",
     "Groceries, collecting and delivering medicine, errands, and friendly calls against "
     "loneliness.",
     "Volunteers mostly do these: shopping for food and essentials, collecting prescriptions and "
     "bringing medicine from the pharmacy, small errands such as posting a letter, and regular "
     "friendly phone calls for people who are alone. Medical care, nursing or moving a patient "
     "is not volunteers' work.\n"},
    {"mutual-aid", "در وضعیت اضطراری چه کنم؟",
     "همیاری برای اورژانس نیست؛ در خطر جانی با ۱۱۵ یا ۱۱۰ تماس بگیرید.",
     "درخواست‌ها را داوطلبان در ساعت‌ها یا روزهای بعد انجام می‌دهند. اگر کسی نفس نمی‌کشد، درد "
     "قفسهٔ سینه دارد، بیهوش است یا در خطر است، همین حالا با اورژانس ۱۱۵ یا پلیس ۱۱۰ تماس "
     "بگیرید. اگر علامت‌های کووید دارید و حالتان بد می‌شود، با پزشک یا ۱۱۵ تماس بگیرید.\n",
     "What should I do in an emergency?",
     "Hamyari is not an emergency service; if a life is at risk call the emergency number.",
     "Requests are handled by volunteers over the following hours or days. If someone is not "
     "breathing, has chest pain, is unconscious or in danger, call your local emergency number "
     "now. If you have COVID-19 symptoms and feel worse, call a doctor or the emergency "
     "number.\n"},
    {"mutual-aid", "اگر کرونا دارم یا در قرنطینه‌ام، می‌توانم کمک بخواهم؟",
     "بله. در فرم بنویسید که بیمار یا در قرنطینه هستید تا تحویل بدون تماس انجام شود.",
     "اگر کووید-۱۹ دارید یا باید در خانه بمانید، داوطلبان خرید و دارو را پشت در می‌گذارند، در "
     "می‌زنند و فاصله می‌گیرند. در بخش توضیحات بنویسید که بیمار یا در قرنطینه هستید. برای "
     "درمان و آزمایش با پزشک یا مرکز بهداشت محل تماس بگیرید.\n",
     "Can I ask for help if I have COVID-19 or am in quarantine?",
     "Yes. Say on the form that you are ill or isolating, so the delivery is contactless.",
     "If you have COVID-19 or must stay at home, volunteers leave shopping and medicine at the "
     "door, knock and step back. Mention in the details that you are ill or isolating. For "
     "treatment and testing, contact your doctor or local health centre.\n"},
    {"volunteering", "چطور داوطلب شوم؟",
     "در صفحهٔ «داوطلب شوید» ثبت‌نام کنید؛ پس از تأیید یک هماهنگ‌کننده می‌توانید کار بپذیرید.",
     "در صفحهٔ [داوطلب شوید](/volunteer) نام، ایمیل، شمارهٔ تلفن، محدوده‌ای که در آن کمک "
     "می‌کنید و کارهایی را که از پسشان برمی‌آیید بنویسید. یک هماهنگ‌کننده با شما تماس می‌گیرد و "
     "حسابتان را تأیید می‌کند. پس از آن در صفحهٔ «کارهای من» درخواست‌های نزدیک خود را می‌بینید.\n",
     "How do I become a volunteer?",
     "Sign up on the Volunteer page; once a coordinator approves you, you can take tasks.",
     "On the [Volunteer](/volunteer) page give your name, email, phone number, the area you can "
     "cover and the tasks you can do. A coordinator calls you and approves your account. After "
     "that, the Tasks page shows you open requests near you.\n"},
    {"volunteering", "چرا حساب داوطلبی من هنوز تأیید نشده است؟",
     "هماهنگ‌کننده‌ها هر داوطلب را پیش از دیدن نشانی مردم بررسی می‌کنند؛ ممکن است چند روز بکشد.",
     "کسانی که کمک می‌خواهند اغلب سالمند یا بیمارند، برای همین هماهنگ‌کننده پیش از تأیید با شما "
     "صحبت می‌کند و گاهی معرف می‌خواهد. اگر پس از یک هفته خبری نشد، از راه صفحهٔ «دربارهٔ ما» با "
     "گروه تماس بگیرید.\n",
     "Why has my volunteer account not been approved yet?",
     "Coordinators check every volunteer before they see anyone's address; it can take a few "
     "days.",
     "People who ask for help are often old or ill, so a coordinator talks to you before "
     "approving you and may ask for a reference. If you hear nothing within a week, contact the "
     "group through the About page.\n"},
    {"volunteering", "اگر نتوانم کاری را که پذیرفته‌ام انجام دهم چه کنم؟",
     "کار را در صفحهٔ «کارهای من» پس بدهید تا داوطلب دیگری آن را بردارد.",
     "پیش می‌آید. هرچه زودتر کار را در صفحهٔ کارهای من «پس بدهید» تا دوباره در فهرست بیاید و "
     "داوطلب دیگری آن را بپذیرد. اگر به فرد قول زمان خاصی داده‌اید، به هماهنگ‌کننده هم خبر "
     "بدهید. پس دادن پیاپی کارها محدود است تا درخواست‌ها سرگردان نمانند.\n",
     "What if I cannot do a task I took?",
     "Give it back on your Tasks page so that another volunteer can take it.",
     "It happens. Release the task on your Tasks page as soon as you can, so it goes back on the "
     "list for another volunteer. If you promised the person a time, tell the coordinator too. "
     "Releasing task after task is limited, so that requests do not drift.\n"},
    {"volunteering", "به‌عنوان داوطلب چطور ایمن بمانم؟",
     "بدون تماس تحویل دهید، پول نقد نگیرید و اگر بیمارید کار را به دیگری بسپارید.",
     "کیسه را پشت در بگذارید و دو متر عقب بایستید، پول نقد نگیرید و رسید خرید را نگه دارید. "
     "وارد خانهٔ کسی نشوید مگر هماهنگ‌کننده از پیش خواسته باشد. اگر علامت بیماری دارید، کار "
     "را پس بدهید. اگر چیزی نگرانتان کرد، به هماهنگ‌کننده بگویید.\n",
     "How do I stay safe as a volunteer?",
     "Deliver without contact, take no cash, and hand the task on if you are unwell.",
     "Leave the bag at the door and step two metres back, take no cash and keep the shopping "
     "receipt. Do not go into anyone's home unless the coordinator arranged it beforehand. If "
     "you have symptoms, release the task. If anything worries you, tell the coordinator.\n"},
    {"data-protection", "چه کسی نشانی و شمارهٔ مرا می‌بیند؟",
     "فقط هماهنگ‌کنندگان و داوطلبی که کار شما را پذیرفته؛ روی نقشه جای شما حدودی است.",
     "نام، تلفن و نشانی شما را فقط هماهنگ‌کنندگان و همان داوطلبی می‌بینند که کار شما را "
     "پذیرفته است، و هر بار که کسی آن را باز می‌کند در گزارش ممیزی ثبت می‌شود. داوطلبان دیگر و "
     "مردم فقط جای حدودی (در حد نیم کیلومتر) و نوع کمک را می‌بینند.\n",
     "Who sees my address and phone number?",
     "Only the coordinators and the volunteer who takes your task; on maps your place is "
     "approximate.",
     "Your name, phone number and address are seen only by coordinators and by the one volunteer "
     "who took your task, and each time someone opens them it is written in an audit log. Other "
     "volunteers and the public see only an approximate place (to about half a kilometre) and "
     "the kind of help.\n"},
    {"data-protection", "اطلاعات من تا کی نگه داشته می‌شود و چطور پاکش کنم؟",
     "پس از پایان کار، اطلاعات تماس خودکار پاک می‌شود؛ زودتر هم می‌توانید بخواهید.",
     "نام، تلفن و نشانی فقط تا وقتی لازم است نگه داشته می‌شود و پس از بسته شدن درخواست، پس از "
     "مدتی که گروه تعیین کرده، خودکار پاک می‌شود. اگر می‌خواهید زودتر پاک شود، درخواست را در "
     "صفحهٔ پیگیری لغو کنید یا از هماهنگ‌کننده بخواهید. آمارها بدون نام و تلفن نگه داشته می‌شوند.\n",
     "How long is my data kept, and how can I have it deleted?",
     "Contact details are erased automatically after the task is done; you can ask for it sooner.",
     "Your name, phone number and address are kept only while needed and erased automatically a "
     "set time after the request is closed. To have them erased sooner, cancel the request on "
     "the Track page or ask a coordinator. Statistics are kept without names or numbers.\n"},
    {"data-protection", "آیا اطلاعات من فروخته یا با دیگران به اشتراک گذاشته می‌شود؟",
     "نه. همیاری داده‌های شخصی را نمی‌فروشد و به هیچ سازمان دیگری نمی‌دهد.",
     "این سامانه را گروه‌های محلی روی سرور خودشان اجرا می‌کنند. هیچ آگهی، ردیاب یا سرویس بیرونی "
     "در صفحه‌ها نیست و داده‌های شخصی به سازمان دیگری داده نمی‌شود. آنچه منتشر می‌شود فقط آمار "
     "بی‌نام است. جزئیات در صفحهٔ [حریم خصوصی](/privacy) آمده است.\n",
     "Is my data sold or shared with anyone?",
     "No. Hamyari never sells personal data or hands it to any other organisation.",
     "Local groups run the system on their own server. The pages carry no adverts, trackers or "
     "outside services, and personal data is not passed to other organisations. Only anonymous "
     "statistics are published. The details are on the [privacy](/privacy) page.\n"},
    {"mutual-aid", "اینترنت ندارم؛ با پیامک یا تلفن هم می‌شود کمک خواست؟",
     "بله. یک پیامک بفرستید و بنویسید چه لازم دارید؛ هماهنگ‌کننده با شما تماس می‌گیرد.",
     "پیامکی به شمارهٔ گروه محله بفرستید و در یک جمله بنویسید چه کمکی لازم دارید و کجا هستید. "
     "درخواست شما در صف هماهنگ‌کنندگان قرار می‌گیرد و یکی از آن‌ها با شما تماس می‌گیرد. اگر "
     "پیامک شما پرسش باشد (با علامت سؤال تمام شود)، پاسخ پرسش‌های رایج را با پیامک می‌گیرید.\n",
     "I am not online; can I ask for help by text message or phone?",
     "Yes. Send a text message saying what you need; a coordinator will call you back.",
     "Text your local group's number and say in one sentence what help you need and where you "
     "are. Your request joins the coordinators' queue and one of them calls you. If your message "
     "is a question (it ends with a question mark), you get the answer from the frequently asked "
     "questions by text.\n"},
};

const size_t hy_seed_faqs_count = sizeof hy_seed_faqs / sizeof hy_seed_faqs[0];
