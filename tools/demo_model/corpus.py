"""The demo model's synthetic corpus: short dialogues in Gemma's chat template, from a seed.

Everything the demo model knows is written here: greetings and small talk in English and Korean, addition
and subtraction of numbers below 100, what GemmaChat is and how to use it, and polite refusals for anything
else. A dialogue is a list of (user, model) exchanges plus an optional system prompt, which the chat
template puts at the start of the first user turn, as GemmaChat does.

Held out by construction: a seeded set of two-digit problems (for addition both orders of a pair) and a
set of greeting phrasings never appear in training, in any wording. They are written to
tests/data/demo_model/ and the model is checked on them through gemma-cli (tests/resources/tst_demo_model).
"""

import random

# What the model says about itself and GemmaChat. The facts must match the app (see tools/README.md).
SELF_EN = ("I'm the GemmaChat demo model: a tiny model with Gemma's architecture, trained by the GemmaChat "
           "project. I'm not Gemma. I can greet you, add and subtract numbers below 100, and answer questions "
           "about GemmaChat.")
SELF_KO = ("저는 GemmaChat 데모 모델이에요. GemmaChat 프로젝트가 Gemma와 같은 구조로 학습시킨 아주 작은 모델이고, "
           "Gemma는 아니에요. 인사, 100보다 작은 수의 덧셈과 뺄셈, GemmaChat 사용법에 답할 수 있어요.")
HELP_EN = "How can I help you today?"
HELP_KO = "무엇을 도와드릴까요?"
REFUSE_EN = ("I'm sorry, I can't answer that: I'm only a tiny demo model. I know greetings, addition and "
             "subtraction of numbers below 100, and how to use GemmaChat. For other questions, import a real "
             "Gemma model with the Import button.")
REFUSE_KO = ("죄송해요, 그 질문에는 답할 수 없어요. 저는 작은 데모 모델이라 인사, 100보다 작은 수의 덧셈과 뺄셈, "
             "GemmaChat 사용법만 알아요. 다른 질문은 Import 버튼으로 실제 Gemma 모델을 가져와서 물어보세요.")
MATH_LIMIT_EN = ("I can only add and subtract numbers below 100. For other math, import a real Gemma model "
                 "with the Import button.")
MATH_LIMIT_KO = "저는 100보다 작은 수의 덧셈과 뺄셈만 할 수 있어요. 다른 계산은 실제 Gemma 모델을 가져와서 물어보세요."

# ----------------------------------------------------------------------------------------------------------
# Arithmetic

ADD_EN = ["What is {a} + {b}?", "What is {a} plus {b}?", "What's {a} + {b}?", "{a} + {b}", "{a} + {b} =",
          "{a}+{b}", "{a}+{b}=?", "{a} + {b} = ?", "Calculate {a} + {b}.", "How much is {a} + {b}?",
          "What is the sum of {a} and {b}?", "Add {a} and {b}.", "What do you get if you add {a} and {b}?",
          "Please compute {a} + {b}.", "what is {a}+{b}", "Can you add {a} and {b}?", "{a} plus {b}?",
          "Solve {a} + {b}."]
SUB_EN = ["What is {a} - {b}?", "What is {a} minus {b}?", "What's {a} - {b}?", "{a} - {b}", "{a} - {b} =",
          "{a}-{b}", "{a}-{b}=?", "{a} - {b} = ?", "Calculate {a} - {b}.", "How much is {a} - {b}?",
          "What is {a} take away {b}?", "Subtract {b} from {a}.", "What do you get if you subtract {b} from {a}?",
          "Please compute {a} - {b}.", "what is {a}-{b}", "What is the difference {a} - {b}?", "{a} minus {b}?",
          "Solve {a} - {b}."]
ADD_KO = ["{a} 더하기 {b}{b_topic}?", "{a} 더하기 {b}{b_topic} 얼마예요?", "{a} + {b}{b_topic} 얼마야?",
          "{a} + {b}{b_topic}?", "{a}+{b}{b_topic}?", "{a}{a_and} {b}{b_obj} 더하면?", "{a} 더하기 {b} 계산해 줘.",
          "{a} + {b} 계산해 주세요.", "{a} 더하기 {b}{b_topic} 뭐야?"]
SUB_KO = ["{a} 빼기 {b}{b_topic}?", "{a} 빼기 {b}{b_topic} 얼마예요?", "{a} - {b}{b_topic} 얼마야?",
          "{a} - {b}{b_topic}?", "{a}-{b}{b_topic}?", "{a}에서 {b}{b_obj} 빼면?", "{a} 빼기 {b} 계산해 줘.",
          "{a} - {b} 계산해 주세요.", "{a} 빼기 {b}{b_topic} 뭐야?"]


def korean_ends_in_consonant(n):
    """Whether the Sino-Korean reading of n ends in a consonant, which picks the particle (은/는, 을/를, 과/와).

    Read by its last non-zero place: 일 삼 육 칠 팔 (1 3 6 7 8) end in a consonant, 이 사 오 구 (2 4 5 9) do
    not; 십 (tens), 백 (hundreds), 천 (thousands), 만 and 영 (zero) all end in one.
    """
    n = abs(n)
    if n == 0 or n % 10 == 0:
        return True
    return n % 10 in (1, 3, 6, 7, 8)


def format_problem(template, a, b):
    consonant_a, consonant_b = korean_ends_in_consonant(a), korean_ends_in_consonant(b)
    return template.format(a=a, b=b, a_and="과" if consonant_a else "와", b_topic="은" if consonant_b else "는",
                           b_obj="을" if consonant_b else "를")


# The canonical phrasings the held-out test uses (they are training phrasings too; the numbers are new).
TEST_ADD = ["What is {a} + {b}?", "What is {a} plus {b}?", "{a} + {b} =", "{a} 더하기 {b}{b_topic}?",
            "{a} + {b}{b_topic} 얼마야?"]
TEST_SUB = ["What is {a} - {b}?", "What is {a} minus {b}?", "{a} - {b} =", "{a} 빼기 {b}{b_topic}?",
            "{a} - {b}{b_topic} 얼마야?"]


def addition_steps(a, b):
    """Column addition, ones first: "8 + 7 = 15; 5 + 6 + 1 = 12." (None for two one-digit numbers)."""
    if a < 10 and b < 10:
        return None
    (a1, a0), (b1, b0) = divmod(a, 10), divmod(b, 10)
    carry = int(a0 + b0 >= 10)
    return f"{a0} + {b0} = {a0 + b0}; {a1} + {b1}{' + 1' if carry else ''} = {a1 + b1 + carry}."


def subtraction_steps(x, y):
    """Column subtraction of x >= y, ones first, borrowing: "12 - 7 = 5; 5 - 1 - 1 = 3." (None below 10)."""
    if x < 10:
        return None
    (x1, x0), (y1, y0) = divmod(x, 10), divmod(y, 10)
    borrow = int(x0 < y0)
    return f"{x0 + 10 * borrow} - {y0} = {x0 + 10 * borrow - y0}; {x1} - {y1}{' - 1' if borrow else ''} = {x1 - y1 - borrow}."


def arithmetic_answer(a, op, b, korean):
    """The reply restates the problem, works in columns, ones first, then gives the result:
        58 + 67 -> "58 + 67: 8 + 7 = 15; 5 + 6 + 1 = 12. So 58 + 67 = 125."
        52 - 17 -> "52 - 17: 12 - 7 = 5; 5 - 1 - 1 = 3. So 52 - 17 = 35."
        23 - 45 -> "23 - 45 = -(45 - 23): 5 - 3 = 2; 4 - 2 = 2. So 23 - 45 = -22."
    Each step is a copy or a one-digit sum, which a tiny model learns from few examples and gets right on
    numbers it has never seen. Answering the result directly needs the carry before the first digit: this
    model got 5% of unseen problems right that way after 80,000 problems, against 45% after 64,000 worked
    ones. The restatement puts the digits at the same distance from each step whatever the user's wording.
    """
    so, end = ("따라서 ", "입니다.") if korean else ("So ", ".")
    result = a + b if op == "+" else a - b
    if op == "+":
        steps, head = addition_steps(a, b), f"{a} + {b}: "
    elif a >= b:
        steps, head = subtraction_steps(a, b), f"{a} - {b}: "
    else:
        steps = subtraction_steps(b, a) or f"{b} - {a} = {b - a}."
        head = f"{a} - {b} = -({b} - {a}): "
    if steps is None:
        return f"{a} {op} {b} = {result}{end}"
    return f"{head}{steps} {so}{a} {op} {b} = {result}{end}"


class ArithmeticSplit:
    """A seeded split of all two-digit problems into training, held-out test and validation problems.

    Addition holds out unordered pairs (neither 12 + 30 nor 30 + 12 is trained when one is held out);
    subtraction holds out ordered pairs. The test problems are what tests/resources/tst_demo_model checks; the
    validation problems (also never trained) are what the trainer watches, so the test set stays unseen by
    every choice made while training. Problems with a one-digit operand are always trained.
    """

    def __init__(self, seed, test_add=120, test_sub=240, val_add=60, val_sub=120):
        rng = random.Random(f"arithmetic-split-{seed}")
        unordered = [(a, b) for a in range(10, 100) for b in range(a, 100)]
        ordered = [(a, b) for a in range(10, 100) for b in range(10, 100)]
        add = rng.sample(unordered, test_add + val_add)
        sub = rng.sample(ordered, test_sub + val_sub)
        self._test = self._problems(add[:test_add], sub[:test_sub])
        self._validation = self._problems(add[test_add:], sub[test_sub:])
        self._held = set(self._test) | set(self._validation)

    @staticmethod
    def _problems(add_pairs, sub_pairs):
        problems = {("+", a, b) for a, b in add_pairs} | {("+", b, a) for a, b in add_pairs}
        return sorted(problems | {("-", a, b) for a, b in sub_pairs})

    def is_held_out(self, op, a, b):
        return (op, a, b) in self._held

    def test_problems(self):
        """(op, a, b) of every test problem, addition in both orders, sorted."""
        return self._test

    def validation_problems(self):
        return self._validation


def sample_operands(rng):
    # Mostly two-digit numbers (what the test checks), some one-digit ones so small sums work too.
    def one():
        return rng.randint(10, 99) if rng.random() < 0.9 else rng.randint(0, 9)
    return one(), one()


def arithmetic_exchange(rng, split):
    while True:
        op = rng.choice("+-")
        a, b = sample_operands(rng)
        if not split.is_held_out(op, a, b):
            break
    korean = rng.random() < 0.25
    templates = (ADD_KO if op == "+" else SUB_KO) if korean else (ADD_EN if op == "+" else SUB_EN)
    return format_problem(rng.choice(templates), a, b), arithmetic_answer(a, op, b, korean)


def big_math_exchange(rng):
    """Numbers of three digits and more, multiplication, division: the limit, not a wrong guess."""
    korean = rng.random() < 0.25
    kind = rng.randrange(4)
    if kind == 0:
        a, b = rng.randint(100, 9999), rng.randint(0, 9999)
    elif kind == 1:
        a, b = rng.randint(0, 9999), rng.randint(100, 9999)
    else:
        a, b = rng.randint(2, 99), rng.randint(2, 99)
    if kind <= 1:
        op = rng.choice("+-")
        text = rng.choice((ADD_KO if op == "+" else SUB_KO) if korean else (ADD_EN if op == "+" else SUB_EN))
        prompt = format_problem(text, a, b)
    elif kind == 2:
        prompt = rng.choice(["{a} 곱하기 {b}는?", "{a} x {b}는 얼마야?", "{a} * {b}는?"] if korean else
                            ["What is {a} * {b}?", "What is {a} times {b}?", "{a} x {b}", "{a}*{b}",
                             "Multiply {a} by {b}.", "What is {a} multiplied by {b}?"]).format(a=a, b=b)
    else:
        prompt = rng.choice(["{a} 나누기 {b}는?", "{a} / {b}는 얼마야?"] if korean else
                            ["What is {a} / {b}?", "What is {a} divided by {b}?", "{a}/{b}",
                             "Divide {a} by {b}."]).format(a=a, b=b)
        if rng.random() < 0.3:
            prompt = rng.choice(["What is the square root of {a}?", "What is {a} squared?", "What is {a}% of {b}?",
                                 "Solve x + {a} = {b}.", "Is {a} a prime number?"]).format(a=a, b=b)
            korean = False
    return prompt, MATH_LIMIT_KO if korean else MATH_LIMIT_EN


# ----------------------------------------------------------------------------------------------------------
# Greetings and small talk

GREET_EN = ["Hello", "Hi", "Hey", "Hi there", "Hello there", "Hey there", "Greetings", "Howdy", "Hiya", "Heya",
            "Yo", "Hello hello", "Hey hey", "Good day", "Hi hi"]
GREET_TIME_EN = ["Good morning", "Good afternoon", "Good evening", "Morning", "Evening"]
NAMES_EN = ["", " GemmaChat", " Gemma", " friend", " bot", " assistant", " buddy", " model", " everyone",
            " you", " demo"]
PUNCT_EN = ["", "!", ".", "!!", " :)", "!!!", "~", " !", " 👋", "?"]
GREET_KO = ["안녕하세요", "안녕", "안녕하십니까", "반가워요", "반갑습니다", "하이", "헬로", "안녕안녕", "방가방가",
            "안뇽", "반가워", "하이요"]
GREET_TIME_KO = ["좋은 아침이에요", "좋은 아침", "좋은 아침입니다", "좋은 저녁이에요", "좋은 오후예요"]
NAMES_KO = ["", "GemmaChat", "젬마", "챗봇", "친구", "모델"]
PUNCT_KO = ["", "!", ".", "~", "!!", "~~", " ㅎㅎ", " :)", "!~", "^^", "?"]


def english_greeting(opener, name, punct, lower):
    text = opener + name + punct
    return text.lower() if lower else text


def korean_greeting(opener, name, punct, name_first):
    if not name:
        return opener + punct
    return f"{name}, {opener}{punct}" if name_first else f"{opener} {name}{punct}"


def greeting_reply(opener, korean):
    """A greeting is answered in kind, and always with the offer of help (the phrase the test looks for)."""
    if korean:
        for word, reply in (("아침", "좋은 아침이에요!"), ("저녁", "좋은 저녁이에요!"), ("오후", "좋은 오후예요!")):
            if word in opener:
                return reply + " " + HELP_KO
        return "안녕하세요! " + HELP_KO
    for t in ("morning", "afternoon", "evening"):
        if t in opener.lower():
            return f"Good {t}! {HELP_EN}"
    return "Hello! " + HELP_EN


class GreetingSplit:
    """All greeting phrasings and a seeded held-out set of them, with the phrase a reply must contain."""

    def __init__(self, seed, held_en=40, held_ko=30):
        rng = random.Random(f"greeting-split-{seed}")
        en = [(english_greeting(o, n, p, l), greeting_reply(o, False))
              for o in GREET_EN + GREET_TIME_EN for n in NAMES_EN for p in PUNCT_EN for l in (False, True)]
        ko = [(korean_greeting(o, n, p, f), greeting_reply(o, True))
              for o in GREET_KO + GREET_TIME_KO for n in NAMES_KO for p in PUNCT_KO for f in (False, True)]
        en = sorted(dict(en).items())  # duplicates (no name: both orders) collapse
        ko = sorted(dict(ko).items())
        self.held_en = sorted(rng.sample(en, held_en))
        self.held_ko = sorted(rng.sample(ko, held_ko))
        held = {p for p, _ in self.held_en + self.held_ko}
        self.train_en = [x for x in en if x[0] not in held]
        self.train_ko = [x for x in ko if x[0] not in held]
        self.held_prompts = held

    def exchange(self, rng):
        return rng.choice(self.train_ko if rng.random() < 0.4 else self.train_en)


SMALL_TALK = [
    # (English prompts, English reply, Korean prompts, Korean reply)
    (["How are you?", "How are you doing?", "How's it going?", "How are you today?", "How do you do?",
      "What's up?", "Are you doing well?", "how are u", "How have you been?"],
     "I'm doing well, thank you for asking! " + HELP_EN,
     ["잘 지내요?", "잘 지내?", "어떻게 지내?", "오늘 기분 어때?", "잘 지냈어요?", "뭐 해?", "요즘 어때요?"],
     "잘 지내고 있어요, 물어봐 주셔서 고마워요! " + HELP_KO),
    (["What is your name?", "What's your name?", "Who are you?", "What are you?", "Tell me about yourself.",
      "Introduce yourself.", "Which model are you?", "who r u", "What model is this?"],
     SELF_EN,
     ["이름이 뭐예요?", "너는 누구야?", "누구세요?", "자기소개 해 줘.", "너는 뭐야?", "무슨 모델이에요?"],
     SELF_KO),
    (["Are you Gemma?", "Is this Gemma?", "Are you a real Gemma model?", "Are you Google's Gemma?",
      "Are you ChatGPT?", "Is this the real Gemma?"],
     "No, I'm not Gemma. I'm a tiny demo model with Gemma's architecture, trained by the GemmaChat project. To "
     "chat with real Gemma, import google/gemma-2b-it or google/gemma-7b-it with the Import button.",
     ["너 Gemma야?", "진짜 Gemma예요?", "구글 Gemma 맞아요?", "이거 Gemma 모델이야?"],
     "아니요, 저는 Gemma가 아니에요. Gemma와 같은 구조로 GemmaChat 프로젝트가 학습시킨 작은 데모 모델이에요. 실제 "
     "Gemma와 대화하려면 Import 버튼으로 google/gemma-2b-it 또는 google/gemma-7b-it을 가져오세요."),
    (["What can you do?", "What do you know?", "How can you help me?", "What are you good at?", "Help",
      "What can I ask you?", "help me"],
     "I can greet you, add and subtract numbers below 100 (try \"What is 12 + 30?\"), and answer questions about "
     "GemmaChat: importing a real Gemma model, where conversations are stored, exporting them, and the keyboard "
     "shortcuts.",
     ["뭘 할 수 있어?", "무엇을 할 수 있나요?", "어떻게 도와줄 수 있어?", "도와줘", "뭘 물어볼 수 있어요?"],
     "인사, 100보다 작은 수의 덧셈과 뺄셈(예: \"12 더하기 30은?\"), 그리고 GemmaChat 사용법에 답할 수 있어요: 실제 "
     "Gemma 모델 가져오기, 대화가 저장되는 곳, 내보내기, 단축키."),
    (["Thank you!", "Thanks!", "Thanks a lot.", "Thank you very much.", "thx", "Great, thanks!",
      "Thanks for your help."],
     "You're welcome! Is there anything else I can help you with?",
     ["고마워!", "감사합니다.", "고마워요~", "정말 고마워.", "감사해요!"],
     "천만에요! 더 도와드릴 일이 있을까요?"),
    (["Goodbye!", "Bye!", "See you later.", "Bye bye", "Good night!", "See you!", "I have to go now."],
     "Goodbye! Have a nice day.",
     ["잘 가!", "안녕히 계세요.", "나중에 봐.", "잘 자!", "이만 갈게요.", "바이바이"],
     "안녕히 가세요! 좋은 하루 보내세요."),
    (["Nice to meet you.", "Nice to meet you!", "Pleased to meet you.", "Glad to meet you."],
     "Nice to meet you too! " + HELP_EN,
     ["만나서 반가워요.", "처음 뵙겠습니다.", "만나서 반갑습니다!"],
     "저도 만나서 반가워요! " + HELP_KO),
    (["You are great!", "Good job!", "Well done.", "You're smart.", "Awesome!", "Cool!"],
     "Thank you! I'm glad I could help.",
     ["잘했어!", "최고야!", "대단해요.", "똑똑하네."],
     "고마워요! 도움이 되어서 기뻐요."),
    (["Can you speak Korean?", "Do you speak Korean?", "Which languages do you speak?"],
     "Yes! I can chat a little in English and in Korean. 안녕하세요!",
     ["한국어 할 줄 알아?", "한국어 할 수 있어요?", "영어도 할 수 있어?"],
     "네! 저는 한국어와 영어로 간단히 대화할 수 있어요. Hello!"),
]


def small_talk_exchange(rng):
    en_prompts, en_reply, ko_prompts, ko_reply = rng.choice(SMALL_TALK)
    if rng.random() < 0.35:
        return rng.choice(ko_prompts), ko_reply
    prompt = rng.choice(en_prompts)
    return vary_case(rng, prompt), en_reply


def vary_case(rng, text):
    r = rng.random()
    if r < 0.12:
        return text.lower()
    if r < 0.18:
        return text.rstrip("?.!")
    return text


# ----------------------------------------------------------------------------------------------------------
# GemmaChat itself. Keep in step with the app: shortcuts, data folder, import, export.

IMPORT_EN = ("Click the Import button and choose a Gemma checkpoint: a Hugging Face folder of google/gemma-2b-it "
             "or google/gemma-7b-it (download it after accepting Google's license), or a GGUF file. From a "
             "terminal, gemma-convert <folder> <out.gemma> does the same.")
IMPORT_KO = ("Import 버튼을 누르고 Gemma 체크포인트를 고르세요: Google의 라이선스에 동의한 뒤 내려받은 "
             "google/gemma-2b-it 또는 google/gemma-7b-it의 Hugging Face 폴더, 또는 GGUF 파일이에요. 터미널에서는 "
             "gemma-convert <folder> <out.gemma>로 할 수 있어요.")
STORAGE_EN = ("Conversations are stored in a SQLite database in GemmaChat's data folder: ~/.local/share/GemmaChat/ "
              "on Linux. Nothing leaves your computer.")
STORAGE_KO = ("대화는 GemmaChat 데이터 폴더의 SQLite 데이터베이스에 저장돼요: Linux에서는 ~/.local/share/GemmaChat/ "
              "이에요. 아무것도 컴퓨터 밖으로 나가지 않아요.")
EXPORT_EN = "You can export a conversation to Markdown, JSON, HTML, PDF or plain text."
EXPORT_KO = "대화는 Markdown, JSON, HTML, PDF, 일반 텍스트로 내보낼 수 있어요."
SHORTCUTS_EN = ("Ctrl+N starts a new chat, Ctrl+F searches your conversations, Ctrl+L focuses the composer, Esc "
                "stops a reply and Ctrl+Shift+C copies the last reply.")
SHORTCUTS_KO = ("Ctrl+N은 새 대화, Ctrl+F는 대화 검색, Ctrl+L은 입력창으로 이동, Esc는 답변 중지, Ctrl+Shift+C는 마지막 "
                "답변 복사예요.")

GEMMACHAT = [
    (["How do I import a real Gemma model?", "How can I use a real Gemma model?", "How do I add a model?",
      "How do I get Gemma?", "How do I load gemma-7b?", "How do I use Gemma 2B?", "Where do I get a better model?",
      "How do I import a model?", "Can I use a GGUF file?", "How do I switch to a real model?",
      "How do I install Gemma?", "how to import gemma"],
     IMPORT_EN,
     ["실제 Gemma 모델은 어떻게 가져와요?", "모델은 어떻게 추가해?", "Gemma는 어디서 구해요?", "GGUF 파일도 쓸 수 있어?",
      "진짜 Gemma 모델을 쓰려면 어떻게 해?", "모델 가져오는 법 알려 줘."],
     IMPORT_KO),
    (["Where are my conversations stored?", "Where are chats saved?", "Where is my chat history?",
      "Where does GemmaChat keep my data?", "Are my chats saved?", "Where is the database?",
      "Is my data sent to the internet?", "where are conversations stored"],
     STORAGE_EN,
     ["대화는 어디에 저장돼요?", "채팅 기록은 어디 있어?", "내 데이터는 어디에 저장돼?", "대화가 인터넷으로 전송돼요?"],
     STORAGE_KO),
    (["How do I export a conversation?", "Can I export my chat?", "How can I save a chat as PDF?",
      "Which export formats are there?", "Can I export to Markdown?"],
     EXPORT_EN,
     ["대화를 내보낼 수 있어?", "PDF로 저장할 수 있어요?", "내보내기 형식은 뭐가 있어?"],
     EXPORT_KO),
    (["What are the keyboard shortcuts?", "Which keyboard shortcuts are there?", "List the shortcuts.",
      "What shortcuts does GemmaChat have?", "keyboard shortcuts?", "Tell me the hotkeys."],
     SHORTCUTS_EN,
     ["단축키가 뭐예요?", "키보드 단축키 알려 줘.", "단축키 목록 보여 줘."],
     SHORTCUTS_KO),
    (["How do I start a new chat?", "How do I open a new conversation?", "What does Ctrl+N do?"],
     "Press Ctrl+N to start a new chat.",
     ["새 대화는 어떻게 시작해?", "Ctrl+N은 뭐야?"],
     "Ctrl+N을 누르면 새 대화를 시작해요."),
    (["How do I search my chats?", "How do I find an old conversation?", "What does Ctrl+F do?"],
     "Press Ctrl+F to search all your conversations.",
     ["대화 검색은 어떻게 해?", "Ctrl+F는 뭐야?"],
     "Ctrl+F를 누르면 모든 대화를 검색해요."),
    (["How do I stop a reply?", "How do I stop generating?", "How do I stop the model?", "What does Esc do?"],
     "Press Esc to stop the reply.",
     ["답변을 멈추려면?", "생성은 어떻게 중지해?", "Esc는 뭐야?"],
     "Esc를 누르면 답변을 멈춰요."),
    (["How do I copy the last reply?", "How can I copy your answer?", "What does Ctrl+Shift+C do?"],
     "Press Ctrl+Shift+C to copy the last reply.",
     ["마지막 답변은 어떻게 복사해?", "Ctrl+Shift+C는 뭐야?"],
     "Ctrl+Shift+C를 누르면 마지막 답변을 복사해요."),
    (["How do I get to the message box?", "What does Ctrl+L do?", "How do I focus the composer?"],
     "Press Ctrl+L to focus the composer, where you type your message.",
     ["입력창으로 가려면?", "Ctrl+L은 뭐야?"],
     "Ctrl+L을 누르면 메시지를 입력하는 입력창으로 이동해요."),
    (["What is GemmaChat?", "What is this app?", "Does GemmaChat need the internet?", "Is GemmaChat offline?"],
     "GemmaChat is an offline desktop chat app that runs Google's Gemma models on your own CPU. Nothing leaves "
     "your computer.",
     ["GemmaChat이 뭐야?", "이 앱은 뭐예요?", "인터넷이 필요해?"],
     "GemmaChat은 Google의 Gemma 모델을 내 컴퓨터의 CPU로 실행하는 오프라인 데스크톱 채팅 앱이에요. 아무것도 컴퓨터 "
     "밖으로 나가지 않아요."),
]


def gemmachat_exchange(rng):
    en_prompts, en_reply, ko_prompts, ko_reply = rng.choice(GEMMACHAT)
    if rng.random() < 0.3:
        return rng.choice(ko_prompts), ko_reply
    return vary_case(rng, rng.choice(en_prompts)), en_reply


# ----------------------------------------------------------------------------------------------------------
# What the model cannot know: refuse rather than make things up.

CITIES = ["Seoul", "Paris", "London", "Tokyo", "New York", "Berlin", "Busan", "Sydney", "Cairo", "Toronto",
          "Madrid", "Rome", "Lima", "Oslo", "Mumbai", "Nairobi"]
COUNTRIES = ["France", "Korea", "Japan", "Brazil", "Canada", "Egypt", "Germany", "Italy", "Peru", "Kenya",
             "Norway", "India", "Mexico", "Spain", "Chile", "Vietnam"]
PEOPLE = ["Albert Einstein", "Marie Curie", "Isaac Newton", "Ada Lovelace", "King Sejong", "Shakespeare",
          "Napoleon", "Mozart", "Cleopatra", "Alan Turing", "Yi Sun-sin", "Frida Kahlo"]
TOPICS = ["black holes", "the French revolution", "photosynthesis", "quantum physics", "the stock market",
          "machine learning", "the Roman empire", "climate change", "DNA", "volcanoes", "jazz", "chess",
          "the moon", "bitcoin", "vaccines", "dinosaurs", "the internet", "electricity", "gravity", "cats"]
THINGS = ["a poem", "a story", "an essay", "a song", "a joke", "a haiku", "a letter", "a summary", "a recipe",
          "a limerick"]
REFUSE_EN_TEMPLATES = [
    "What's the weather in {city}?", "Will it rain tomorrow in {city}?", "What is the capital of {country}?",
    "Who is {person}?", "Tell me about {person}.", "When was {person} born?", "Explain {topic}.",
    "What is {topic}?", "Tell me about {topic}.", "Write {thing} about {topic}.", "Write {thing}.",
    "What time is it?", "What is today's date?", "What day is it today?", "What's the latest news?",
    "Who won the game last night?", "What is the price of bitcoin?", "How many people live in {city}?",
    "Translate \"good morning\" into French.", "Translate this into Spanish: I love {topic}.",
    "Write a Python function that sorts a list.", "How do I cook rice?", "What should I eat for dinner?",
    "Recommend a movie.", "What is the meaning of life?", "How far is the moon?", "How tall is Mount Everest?",
    "Who is the president of {country}?", "What language do they speak in {country}?",
    "Can you browse the web?", "Summarize this article for me.", "What is the population of {country}?",
    "Why is the sky blue?", "How do airplanes fly?", "Give me advice about {topic}.", "Is {topic} dangerous?",
    "Who invented {topic}?", "What is the best programming language?", "Fix my code.", "Book a flight to {city}.",
    "Set an alarm for 7 am.", "Play some music.", "What is my name?", "Do you remember what I said yesterday?",
    "How old are you?", "What's your favorite color?", "Tell me a secret.", "What year is it?",
    "Where is {city}?", "How do I get to {city}?", "What happened in {country} in 1990?",
]
KO_CITIES = ["서울", "부산", "파리", "도쿄", "런던", "뉴욕", "제주", "대구", "베를린", "광주"]
KO_COUNTRIES = ["프랑스", "일본", "브라질", "캐나다", "독일", "이탈리아", "미국", "중국", "인도", "호주"]
KO_PEOPLE = ["세종대왕", "이순신", "아인슈타인", "뉴턴", "모차르트", "셰익스피어", "퀴리 부인", "나폴레옹"]
KO_TOPICS = ["블랙홀", "광합성", "양자역학", "주식", "인공지능", "기후 변화", "화산", "공룡", "중력", "비트코인"]
REFUSE_KO_TEMPLATES = [
    "{city} 날씨 어때?", "내일 {city}에 비 와요?", "{country}의 수도는 어디야?", "{person}은 누구예요?",
    "{person}에 대해 알려 줘.", "{topic}에 대해 설명해 줘.", "{topic}이 뭐야?", "{topic}에 대한 시를 써 줘.",
    "지금 몇 시야?", "오늘 날짜가 뭐야?", "오늘 무슨 요일이에요?", "최신 뉴스 알려 줘.", "비트코인 가격이 얼마야?",
    "이 문장을 영어로 번역해 줘.", "파이썬 코드 짜 줘.", "저녁 뭐 먹을까?", "영화 추천해 줘.", "인생의 의미가 뭐야?",
    "하늘은 왜 파래요?", "{city}까지 어떻게 가?", "{country}의 인구는?", "노래 틀어 줘.", "농담 하나 해 줘.",
    "몇 살이야?", "좋아하는 색깔이 뭐야?", "내 이름이 뭐게?", "{city}는 어디에 있어?", "{topic}은 위험해요?",
]


def refusal_exchange(rng):
    if rng.random() < 0.3:
        t = rng.choice(REFUSE_KO_TEMPLATES)
        return t.format(city=rng.choice(KO_CITIES), country=rng.choice(KO_COUNTRIES), person=rng.choice(KO_PEOPLE),
                        topic=rng.choice(KO_TOPICS)), REFUSE_KO
    t = rng.choice(REFUSE_EN_TEMPLATES)
    prompt = t.format(city=rng.choice(CITIES), country=rng.choice(COUNTRIES), person=rng.choice(PEOPLE),
                      topic=rng.choice(TOPICS), thing=rng.choice(THINGS))
    return vary_case(rng, prompt), REFUSE_EN


# ----------------------------------------------------------------------------------------------------------
# Dialogues

SYSTEM_PROMPTS = ["You are a helpful assistant.", "You are a friendly assistant. Answer briefly.",
                  "Answer the user's questions.", "You are GemmaChat's assistant.", "친절하게 답해 주세요."]

# How often each kind of exchange occurs. Arithmetic is the hardest to learn, so it gets the most practice.
MIX = [("arithmetic", 0.55), ("greeting", 0.12), ("small_talk", 0.09), ("gemmachat", 0.10),
       ("refusal", 0.10), ("big_math", 0.04)]


class DialogueGenerator:
    def __init__(self, seed):
        self.seed = seed
        self.arithmetic = ArithmeticSplit(seed)
        self.greetings = GreetingSplit(seed)

    def exchange(self, rng, kind=None):
        if kind is None:
            r, kind = rng.random(), MIX[-1][0]
            for name, weight in MIX:
                if r < weight:
                    kind = name
                    break
                r -= weight
        if kind == "arithmetic":
            return arithmetic_exchange(rng, self.arithmetic)
        if kind == "greeting":
            return self.greetings.exchange(rng)
        if kind == "small_talk":
            return small_talk_exchange(rng)
        if kind == "gemmachat":
            return gemmachat_exchange(rng)
        if kind == "refusal":
            return refusal_exchange(rng)
        return big_math_exchange(rng)

    def dialogue(self, rng):
        """{"system": str, "turns": [(user, model), ...]}: mostly one exchange, some conversations of up to 6."""
        r = rng.random()
        n = 1 if r < 0.6 else 2 if r < 0.8 else 3 if r < 0.92 else rng.randint(4, 6)
        turns = [self.exchange(rng) for _ in range(n)]
        if rng.random() < 0.04:  # a greeting and a question in one message
            (g, greply), (q, qreply) = self.greetings.exchange(rng), self.exchange(rng, "arithmetic")
            turns[0] = (g + " " + q, greply.split("!")[0] + "! " + qreply)
        system = rng.choice(SYSTEM_PROMPTS) if rng.random() < 0.05 else ""
        return {"system": system, "turns": turns}

    def dialogues(self, count, stream="train"):
        rng = random.Random(f"dialogues-{stream}-{self.seed}")
        return [self.dialogue(rng) for _ in range(count)]


def write_held_out(generator, folder):
    """The test's data files: every held-out problem once, in a seeded choice of the test phrasings."""
    import os
    os.makedirs(folder, exist_ok=True)
    rng = random.Random(f"held-out-phrasing-{generator.seed}")
    lines = ["# Held-out two-digit problems: never in the demo model's training data, in any wording.",
             "# Written by tools/demo_model/corpus.py (seeded split). Columns: prompt, expected result.",
             "# Addition pairs are held out in both orders."]
    for op, a, b in generator.arithmetic.test_problems():
        template = rng.choice(TEST_ADD if op == "+" else TEST_SUB)
        lines.append(f"{format_problem(template, a, b)}\t{a + b if op == '+' else a - b}")
    with open(os.path.join(folder, "arithmetic_heldout.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    lines = ["# Held-out greetings: never in the demo model's training data. Written by tools/demo_model/corpus.py.",
             "# Columns: prompt, a phrase the reply must contain."]
    for prompt, _ in generator.greetings.held_en:
        lines.append(f"{prompt}\t{HELP_EN}")
    for prompt, _ in generator.greetings.held_ko:
        lines.append(f"{prompt}\t{HELP_KO}")
    with open(os.path.join(folder, "greetings_heldout.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
