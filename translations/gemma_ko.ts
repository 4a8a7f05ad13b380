<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About GemmaChat</source>
        <translation>GemmaChat 정보</translation>
    </message>
    <message>
        <source>user interface</source>
        <translation>사용자 인터페이스</translation>
    </message>
    <message>
        <source>vector arithmetic</source>
        <translation>벡터 연산</translation>
    </message>
    <message>
        <source>matrix products</source>
        <translation>행렬 곱셈</translation>
    </message>
    <message>
        <source>tokenizer</source>
        <translation>토크나이저</translation>
    </message>
    <message>
        <source>reading Hugging Face checkpoints</source>
        <translation>Hugging Face 체크포인트 읽기</translation>
    </message>
    <message>
        <source>GemmaChat %1</source>
        <translation>GemmaChat %1</translation>
    </message>
    <message>
        <source>Chat with Google&apos;s Gemma on this computer, offline.</source>
        <translation>이 컴퓨터에서 오프라인으로 Google의 Gemma와 대화합니다.</translation>
    </message>
    <message>
        <source>GemmaChat is free software under the %1. It is made with:</source>
        <translation>GemmaChat은 %1에 따른 자유 소프트웨어입니다. 다음을 사용해 만들었습니다:</translation>
    </message>
    <message>
        <source>Qt is used as the system&apos;s shared libraries, which you may replace with other builds of Qt.</source>
        <translation>Qt는 시스템의 공유 라이브러리로 쓰이며, 다른 Qt 빌드로 바꿔 쓸 수 있습니다.</translation>
    </message>
    <message>
        <source>Gemma models are provided by Google under the %1, which you accept when you download them. GemmaChat includes no Gemma weights and is not made by Google.</source>
        <translation>Gemma 모델은 Google이 %1에 따라 제공하며, 내려받을 때 이 약관에 동의하게 됩니다. GemmaChat에는 Gemma 가중치가 들어 있지 않으며, GemmaChat은 Google이 만든 앱이 아닙니다.</translation>
    </message>
    <message>
        <source>Gemma Terms of Use</source>
        <translation>Gemma 이용 약관</translation>
    </message>
    <message>
        <source>The complete license texts are in %1 and %2.</source>
        <translation>라이선스 전문은 %1 및 %2에 있습니다.</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <source>Dismiss</source>
        <translation>닫기</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Messages</source>
        <translation>메시지</translation>
    </message>
    <message>
        <source>Chat with %1</source>
        <translation>%1와(과) 대화하기</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>모델을 불러오는 중…</translation>
    </message>
    <message>
        <source>Choose a model to start</source>
        <translation>시작하려면 모델을 선택하세요</translation>
    </message>
    <message>
        <source>Everything stays on this computer. Enter sends, Shift+Enter starts a new line.</source>
        <translation>모든 내용은 이 컴퓨터 안에만 머뭅니다. Enter로 보내고, Shift+Enter로 줄을 바꿉니다.</translation>
    </message>
    <message>
        <source>Pick an imported model from the list at the top of the window.</source>
        <translation>창 위쪽 목록에서 가져온 모델을 고르세요.</translation>
    </message>
    <message>
        <source>Scroll to the newest message</source>
        <translation>최신 메시지로 이동</translation>
    </message>
</context>
<context>
    <name>CodeBlock</name>
    <message>
        <source>Code, %1</source>
        <translation>코드, %1</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>코드</translation>
    </message>
    <message>
        <source>code</source>
        <translation>코드</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>복사됨</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <source>Copy the code</source>
        <translation>코드 복사</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message %1 (Enter sends, Shift+Enter for a new line)</source>
        <translation>%1에게 메시지 보내기 (Enter: 보내기, Shift+Enter: 줄 바꿈)</translation>
    </message>
    <message>
        <source>Load a model to start chatting</source>
        <translation>대화를 시작하려면 모델을 불러오세요</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>메시지</translation>
    </message>
    <message>
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation>Enter로 보내고, Shift+Enter로 줄을 바꿉니다</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>보내기</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>메시지 보내기</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <source>Stop the reply (Esc)</source>
        <translation>답변 중지 (Esc)</translation>
    </message>
</context>
<context>
    <name>ConversationMenu</name>
    <message>
        <source>Conversations: export, import, delete all</source>
        <translation>대화: 내보내기, 가져오기, 모두 삭제</translation>
    </message>
    <message>
        <source>Markdown files (*.md)</source>
        <translation>마크다운 파일 (*.md)</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON 파일 (*.json)</translation>
    </message>
    <message>
        <source>Web pages (*.html)</source>
        <translation>웹 페이지 (*.html)</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 문서 (*.pdf)</translation>
    </message>
    <message>
        <source>Text files (*.txt)</source>
        <translation>텍스트 파일 (*.txt)</translation>
    </message>
    <message>
        <source>Export this conversation</source>
        <translation>이 대화 내보내기</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>모든 파일 (*)</translation>
    </message>
    <message>
        <source>Export all conversations</source>
        <translation>모든 대화 내보내기</translation>
    </message>
    <message>
        <source>GemmaChat conversations</source>
        <translation>GemmaChat 대화</translation>
    </message>
    <message>
        <source>Markdown…</source>
        <translation>마크다운…</translation>
    </message>
    <message>
        <source>Export this conversation as Markdown</source>
        <translation>이 대화를 마크다운으로 내보내기</translation>
    </message>
    <message>
        <source>JSON…</source>
        <translation>JSON…</translation>
    </message>
    <message>
        <source>Export this conversation as JSON</source>
        <translation>이 대화를 JSON으로 내보내기</translation>
    </message>
    <message>
        <source>HTML…</source>
        <translation>HTML…</translation>
    </message>
    <message>
        <source>Export this conversation as HTML</source>
        <translation>이 대화를 HTML로 내보내기</translation>
    </message>
    <message>
        <source>PDF…</source>
        <translation>PDF…</translation>
    </message>
    <message>
        <source>Export this conversation as PDF</source>
        <translation>이 대화를 PDF로 내보내기</translation>
    </message>
    <message>
        <source>Plain text…</source>
        <translation>일반 텍스트…</translation>
    </message>
    <message>
        <source>Export this conversation as plain text</source>
        <translation>이 대화를 일반 텍스트로 내보내기</translation>
    </message>
    <message>
        <source>Export all conversations to a JSON file…</source>
        <translation>모든 대화를 JSON 파일로 내보내기…</translation>
    </message>
    <message>
        <source>Export all conversations to a JSON file</source>
        <translation>모든 대화를 JSON 파일로 내보내기</translation>
    </message>
    <message>
        <source>Export all conversations as Markdown files…</source>
        <translation>모든 대화를 마크다운 파일로 내보내기…</translation>
    </message>
    <message>
        <source>Export all conversations as Markdown files into a folder</source>
        <translation>모든 대화를 폴더에 마크다운 파일로 내보내기</translation>
    </message>
    <message>
        <source>Import conversations…</source>
        <translation>대화 가져오기…</translation>
    </message>
    <message>
        <source>Import conversations from a JSON export</source>
        <translation>내보낸 JSON 파일에서 대화 가져오기</translation>
    </message>
    <message>
        <source>Delete all conversations…</source>
        <translation>모든 대화 삭제…</translation>
    </message>
    <message>
        <source>Delete all conversations</source>
        <translation>모든 대화 삭제</translation>
    </message>
    <message>
        <source>Choose a folder for the Markdown files</source>
        <translation>마크다운 파일을 저장할 폴더 선택</translation>
    </message>
    <message>
        <source>Import conversations</source>
        <translation>대화 가져오기</translation>
    </message>
</context>
<context>
    <name>DeleteAllDialog</name>
    <message>
        <source>Delete all conversations?</source>
        <translation>모든 대화를 삭제할까요?</translation>
    </message>
    <message>
        <source>The one conversation will be deleted. This cannot be undone.</source>
        <translation>대화 1개가 삭제됩니다. 되돌릴 수 없습니다.</translation>
    </message>
    <message>
        <source>All %1 conversations will be deleted. This cannot be undone.</source>
        <translation>대화 %1개가 모두 삭제됩니다. 되돌릴 수 없습니다.</translation>
    </message>
    <message>
        <source>To keep a copy, export them first: a JSON file can be imported again later.</source>
        <translation>사본을 남기려면 먼저 내보내세요. JSON 파일은 나중에 다시 가져올 수 있습니다.</translation>
    </message>
    <message>
        <source>Export all first…</source>
        <translation>먼저 모두 내보내기…</translation>
    </message>
    <message>
        <source>Export all conversations first</source>
        <translation>먼저 모든 대화 내보내기</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Cancel, keep all conversations</source>
        <translation>취소하고 모든 대화 유지</translation>
    </message>
    <message>
        <source>Delete all</source>
        <translation>모두 삭제</translation>
    </message>
    <message>
        <source>Delete all conversations now</source>
        <translation>지금 모든 대화 삭제</translation>
    </message>
</context>
<context>
    <name>HeaderBar</name>
    <message>
        <source>Hide the conversation list</source>
        <translation>대화 목록 숨기기</translation>
    </message>
    <message>
        <source>Show the conversation list</source>
        <translation>대화 목록 보이기</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>새 대화</translation>
    </message>
    <message>
        <source>Conversation: %1</source>
        <translation>대화: %1</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Settings (Ctrl+,)</source>
        <translation>설정 (Ctrl+,)</translation>
    </message>
</context>
<context>
    <name>ImportPanel</name>
    <message>
        <source>Importing %1</source>
        <translation>%1 가져오는 중</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>취소하는 중…</translation>
    </message>
    <message>
        <source>Imported %1</source>
        <translation>%1 가져오기 완료</translation>
    </message>
    <message>
        <source>The import was cancelled</source>
        <translation>가져오기를 취소했습니다</translation>
    </message>
    <message>
        <source>The import failed</source>
        <translation>가져오기에 실패했습니다</translation>
    </message>
    <message>
        <source>Import progress</source>
        <translation>가져오기 진행률</translation>
    </message>
    <message>
        <source>%1% — converting the weights to GemmaChat&apos;s compact format. This takes a few minutes for 7B; you can keep chatting meanwhile.</source>
        <translation>%1% — 가중치를 GemmaChat의 작은 형식으로 바꾸는 중입니다. 7B는 몇 분 걸리며, 그동안 계속 대화할 수 있습니다.</translation>
    </message>
    <message>
        <source>The model is ready in the model picker.</source>
        <translation>모델 선택 목록에서 바로 쓸 수 있습니다.</translation>
    </message>
    <message>
        <source>Nothing was written.</source>
        <translation>아무 파일도 남기지 않았습니다.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Cancel the import</source>
        <translation>가져오기 취소</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>닫기</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>%1 — GemmaChat</source>
        <translation>%1 — GemmaChat</translation>
    </message>
    <message>
        <source>GemmaChat</source>
        <translation>GemmaChat</translation>
    </message>
    <message>
        <source>Choose a Hugging Face model folder</source>
        <translation>Hugging Face 모델 폴더 선택</translation>
    </message>
    <message>
        <source>Choose a GGUF file</source>
        <translation>GGUF 파일 선택</translation>
    </message>
    <message>
        <source>GGUF files (*.gguf)</source>
        <translation>GGUF 파일 (*.gguf)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>모든 파일 (*)</translation>
    </message>
    <message>
        <source>Drop a Hugging Face folder or a GGUF file to import it</source>
        <translation>Hugging Face 폴더나 GGUF 파일을 놓으면 가져옵니다</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>You: %1</source>
        <translation>나: %1</translation>
    </message>
    <message>
        <source>Gemma: %1</source>
        <translation>Gemma: %1</translation>
    </message>
    <message>
        <source>You</source>
        <translation>나</translation>
    </message>
    <message>
        <source>Gemma</source>
        <translation>Gemma</translation>
    </message>
    <message>
        <source>Edit your message</source>
        <translation>메시지 수정</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Cancel editing</source>
        <translation>수정 취소</translation>
    </message>
    <message>
        <source>Save and send</source>
        <translation>저장하고 보내기</translation>
    </message>
    <message>
        <source>Save the edited message and send it</source>
        <translation>수정한 메시지를 저장하고 보내기</translation>
    </message>
    <message>
        <source>Reading the conversation…</source>
        <translation>대화를 읽는 중…</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>중지했습니다.</translation>
    </message>
    <message>
        <source>Interrupted: the app closed while this reply was written.</source>
        <translation>중단됨: 답변을 쓰는 동안 앱이 닫혔습니다.</translation>
    </message>
    <message>
        <source>The reply failed: %1</source>
        <translation>답변에 실패했습니다: %1</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>이전 버전</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Version %1 of %2</source>
        <translation>%2개 중 %1번째 버전</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>다음 버전</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <source>Copy your message</source>
        <translation>내 메시지 복사</translation>
    </message>
    <message>
        <source>Copy the reply</source>
        <translation>답변 복사</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>수정</translation>
    </message>
    <message>
        <source>Edit and resend your message</source>
        <translation>메시지를 고쳐서 다시 보내기</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>다시 생성</translation>
    </message>
    <message>
        <source>Write this reply again</source>
        <translation>이 답변을 다시 쓰기</translation>
    </message>
    <message>
        <source>%1 tokens · %2 tokens/s</source>
        <translation>토큰 %1개 · 초당 %2토큰</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <source>%1, instruction-tuned</source>
        <translation>%1, 대화용(instruction-tuned)</translation>
    </message>
    <message>
        <source>%1, pretrained</source>
        <translation>%1, 사전 학습(pretrained)</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 불러오는 중…</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>모델 선택</translation>
    </message>
    <message>
        <source>Model: %1. Choose another model</source>
        <translation>모델: %1. 다른 모델 선택</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>No model has been imported yet. Import a Hugging Face folder or a GGUF file of Gemma.</source>
        <translation>아직 가져온 모델이 없습니다. Gemma의 Hugging Face 폴더나 GGUF 파일을 가져오세요.</translation>
    </message>
    <message>
        <source>Imported models</source>
        <translation>가져온 모델</translation>
    </message>
    <message>
        <source>%1: cannot be used</source>
        <translation>%1: 사용할 수 없음</translation>
    </message>
    <message>
        <source>%1, %2, %3 on disk, needs %4 of memory%5</source>
        <translation>%1, %2, 디스크 %3, 메모리 %4 필요%5</translation>
    </message>
    <message>
        <source>, loaded</source>
        <translation>, 불러옴</translation>
    </message>
    <message>
        <source>, does not fit in memory</source>
        <translation>, 메모리에 들어가지 않음</translation>
    </message>
    <message>
        <source>%1 · %2 on disk · needs %3</source>
        <translation>%1 · 디스크 %2 · 메모리 %3 필요</translation>
    </message>
    <message>
        <source>Does not fit in the memory available now</source>
        <translation>지금 쓸 수 있는 메모리에 들어가지 않습니다</translation>
    </message>
    <message>
        <source>Loaded</source>
        <translation>불러옴</translation>
    </message>
    <message>
        <source>Unload</source>
        <translation>내리기</translation>
    </message>
    <message>
        <source>Unload %1</source>
        <translation>%1 내리기</translation>
    </message>
    <message>
        <source>Switch</source>
        <translation>바꾸기</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>불러오기</translation>
    </message>
    <message>
        <source>Load %1</source>
        <translation>%1 불러오기</translation>
    </message>
    <message>
        <source>Import a folder…</source>
        <translation>폴더 가져오기…</translation>
    </message>
    <message>
        <source>Import a Hugging Face model folder</source>
        <translation>Hugging Face 모델 폴더 가져오기</translation>
    </message>
    <message>
        <source>Import a GGUF file…</source>
        <translation>GGUF 파일 가져오기…</translation>
    </message>
    <message>
        <source>Import a GGUF file</source>
        <translation>GGUF 파일 가져오기</translation>
    </message>
    <message>
        <source>Models are kept in %1</source>
        <translation>모델은 %1에 보관합니다</translation>
    </message>
    <message>
        <source>Demo that comes with GemmaChat</source>
        <translation>GemmaChat에 포함된 데모</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>데모</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>There is not enough memory to import this model.</source>
        <translation>이 모델을 가져올 메모리가 부족합니다.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Replies</source>
        <translation>답변</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>온도(Temperature)</translation>
    </message>
    <message>
        <source>Lower is more focused and repeatable, higher more varied. 0 always picks the likeliest word.</source>
        <translation>낮을수록 일관되고 반복 가능하며, 높을수록 다양해집니다. 0이면 항상 가장 그럴듯한 단어를 고릅니다.</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Top-k (0 is off)</source>
        <translation>Top-k (0은 끔)</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation>반복 억제</translation>
    </message>
    <message>
        <source>Longest reply (tokens)</source>
        <translation>최대 답변 길이 (토큰)</translation>
    </message>
    <message>
        <source>Longest reply in tokens</source>
        <translation>토큰 단위 최대 답변 길이</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>시드</translation>
    </message>
    <message>
        <source>Seed (0 is random)</source>
        <translation>시드 (0은 무작위)</translation>
    </message>
    <message>
        <source>0 picks a new random seed for every reply; any other number makes replies repeatable.</source>
        <translation>0이면 답변마다 새 무작위 시드를 쓰고, 다른 숫자면 같은 답변을 다시 얻을 수 있습니다.</translation>
    </message>
    <message>
        <source>Restore the default reply settings</source>
        <translation>답변 설정을 기본값으로 되돌리기</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>시스템 프롬프트</translation>
    </message>
    <message>
        <source>Instructions the model reads before the conversation, for example “Answer briefly.”</source>
        <translation>모델이 대화 전에 읽는 지시문입니다. 예: “짧게 답하세요.”</translation>
    </message>
    <message>
        <source>This conversation</source>
        <translation>이 대화</translation>
    </message>
    <message>
        <source>Empty: the default below</source>
        <translation>비워 두면 아래 기본값을 씁니다</translation>
    </message>
    <message>
        <source>System prompt of this conversation</source>
        <translation>이 대화의 시스템 프롬프트</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>기본값</translation>
    </message>
    <message>
        <source>None</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>Default system prompt</source>
        <translation>기본 시스템 프롬프트</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>엔진</translation>
    </message>
    <message>
        <source>Context size (tokens)</source>
        <translation>컨텍스트 크기 (토큰)</translation>
    </message>
    <message>
        <source>Context size in tokens</source>
        <translation>토큰 단위 컨텍스트 크기</translation>
    </message>
    <message>
        <source>How much of the conversation the model keeps in mind. Larger needs more memory; the oldest messages are left out when a conversation grows past it.</source>
        <translation>모델이 기억하는 대화의 양입니다. 클수록 메모리가 더 필요하며, 대화가 이보다 길어지면 가장 오래된 메시지부터 빠집니다.</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>스레드</translation>
    </message>
    <message>
        <source>All (%1)</source>
        <translation>전부 (%1)</translation>
    </message>
    <message>
        <source>Threads (0 is all cores)</source>
        <translation>스레드 (0은 모든 코어)</translation>
    </message>
    <message>
        <source>Takes effect when a model is next loaded.</source>
        <translation>다음에 모델을 불러올 때 적용됩니다.</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>화면</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>테마</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>시스템 설정 따르기</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>밝게</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>어둡게</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>About</source>
        <translation>정보</translation>
    </message>
    <message>
        <source>About GemmaChat %1 and its licenses</source>
        <translation>GemmaChat %1 정보 및 라이선스</translation>
    </message>
    <message>
        <source>Let the model suggest a title after the first reply</source>
        <translation>첫 답변 후 모델이 제목을 제안하게 하기</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>New chat</source>
        <translation>새 대화</translation>
    </message>
    <message>
        <source>New chat (Ctrl+N)</source>
        <translation>새 대화 (Ctrl+N)</translation>
    </message>
    <message>
        <source>Ctrl+N</source>
        <translation>Ctrl+N</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>대화 검색</translation>
    </message>
    <message>
        <source>Search conversations (Ctrl+F)</source>
        <translation>대화 검색 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>대화</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>제목 없음</translation>
    </message>
    <message>
        <source>Conversation: %1</source>
        <translation>대화: %1</translation>
    </message>
    <message>
        <source>New title</source>
        <translation>새 제목</translation>
    </message>
    <message>
        <source>Rename “%1”</source>
        <translation>“%1” 이름 바꾸기</translation>
    </message>
    <message>
        <source>Rename (F2)</source>
        <translation>이름 바꾸기 (F2)</translation>
    </message>
    <message>
        <source>Delete “%1”</source>
        <translation>“%1” 삭제</translation>
    </message>
    <message>
        <source>Delete (Del)</source>
        <translation>삭제 (Del)</translation>
    </message>
    <message>
        <source>Your conversations will appear here.</source>
        <translation>대화는 여기에 표시됩니다.</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>검색 결과</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Nothing found</source>
        <translation>찾은 내용이 없습니다</translation>
    </message>
    <message>
        <source>Conversation deleted</source>
        <translation>대화를 삭제했습니다</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>되돌리기</translation>
    </message>
    <message>
        <source>Undo the delete</source>
        <translation>삭제 되돌리기</translation>
    </message>
</context>
<context>
    <name>StatusLine</name>
    <message>
        <source>Model: %1 (%2)</source>
        <translation>모델: %1 (%2)</translation>
    </message>
    <message>
        <source>Loading the model… %1%</source>
        <translation>모델을 불러오는 중… %1%</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>모델을 불러오는 중…</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>불러온 모델 없음</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Cancel loading the model</source>
        <translation>모델 불러오기 취소</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>읽는 중…</translation>
    </message>
    <message>
        <source>%1 tokens/s</source>
        <translation>초당 %1토큰</translation>
    </message>
    <message>
        <source>Context: %1 / %2</source>
        <translation>컨텍스트: %1 / %2</translation>
    </message>
    <message>
        <source>Memory: %1</source>
        <translation>메모리: %1</translation>
    </message>
</context>
<context>
    <name>WelcomeView</name>
    <message>
        <source>Welcome to GemmaChat</source>
        <translation>GemmaChat에 오신 것을 환영합니다</translation>
    </message>
    <message>
        <source>GemmaChat runs Google&apos;s Gemma language model on this computer. Nothing you write leaves it, and it works without the internet. First it needs the model itself, which you download once.</source>
        <translation>GemmaChat은 Google의 Gemma 언어 모델을 이 컴퓨터에서 실행합니다. 입력한 내용은 밖으로 나가지 않고, 인터넷 없이도 작동합니다. 먼저 모델 파일이 필요하며, 한 번만 내려받으면 됩니다.</translation>
    </message>
    <message>
        <source>Where to get Gemma</source>
        <translation>Gemma를 구하는 방법</translation>
    </message>
    <message>
        <source>1. On Hugging Face, sign in and accept Google&apos;s terms on the page of [google/gemma-2b-it](https://huggingface.co/google/gemma-2b-it) (about 5 GB, runs on most computers) or [google/gemma-7b-it](https://huggingface.co/google/gemma-7b-it) (about 17 GB, needs 12 GB of memory or more). The “-it” models are the ones made for chatting.
2. Download the whole folder, with config.json, tokenizer.model and the .safetensors files. A GGUF file of Gemma (F32, F16, BF16 or Q8_0) works too.
3. Import it here. GemmaChat converts it once into its own compact file; the download can be deleted afterwards.</source>
        <translation>1. Hugging Face에 로그인한 뒤 [google/gemma-2b-it](https://huggingface.co/google/gemma-2b-it) (약 5 GB, 대부분의 컴퓨터에서 실행) 또는 [google/gemma-7b-it](https://huggingface.co/google/gemma-7b-it) (약 17 GB, 메모리 12 GB 이상 필요) 페이지에서 Google의 이용 약관에 동의하세요. 이름이 “-it”로 끝나는 모델이 대화용입니다.
2. config.json, tokenizer.model, .safetensors 파일이 든 폴더 전체를 내려받으세요. Gemma의 GGUF 파일(F32, F16, BF16, Q8_0)도 됩니다.
3. 여기에서 가져오세요. GemmaChat이 한 번 자체 형식의 작은 파일로 바꾸며, 그 뒤에는 내려받은 파일을 지워도 됩니다.</translation>
    </message>
    <message>
        <source>Import a Hugging Face folder…</source>
        <translation>Hugging Face 폴더 가져오기…</translation>
    </message>
    <message>
        <source>Import a Hugging Face model folder</source>
        <translation>Hugging Face 모델 폴더 가져오기</translation>
    </message>
    <message>
        <source>Import a GGUF file…</source>
        <translation>GGUF 파일 가져오기…</translation>
    </message>
    <message>
        <source>Import a GGUF file</source>
        <translation>GGUF 파일 가져오기</translation>
    </message>
    <message>
        <source>You can also drop the folder or the file onto this window.</source>
        <translation>폴더나 파일을 이 창에 끌어다 놓아도 됩니다.</translation>
    </message>
    <message>
        <source>Until then, you can try GemmaChat with its demo model, ready below. It is tiny and it is not Gemma: it only knows greetings in English and Korean, adding and subtracting two-digit numbers, and how GemmaChat works.</source>
        <translation>그동안 아래에서 바로 GemmaChat의 데모 모델을 써 볼 수 있습니다. 아주 작은 모델이며 Gemma가 아닙니다. 영어와 한국어 인사, 두 자리 수의 덧셈과 뺄셈, GemmaChat 사용법만 알고 있습니다.</translation>
    </message>
    <message>
        <source>Until then, you can try GemmaChat with its demo model. It is tiny and it is not Gemma: it only knows greetings in English and Korean, adding and subtracting two-digit numbers, and how GemmaChat works.</source>
        <translation>그동안 GemmaChat의 데모 모델을 써 볼 수 있습니다. 아주 작은 모델이며 Gemma가 아닙니다. 영어와 한국어 인사, 두 자리 수의 덧셈과 뺄셈, GemmaChat 사용법만 알고 있습니다.</translation>
    </message>
    <message>
        <source>Try the demo model</source>
        <translation>데모 모델 써 보기</translation>
    </message>
</context>
<context>
    <name>gemma::AppController</name>
    <message>
        <source>The conversation database was damaged, so GemmaChat repaired it: 1 conversation could be recovered. The damaged file was kept unchanged at %1; anything not recovered may still be in it.</source>
        <translation>대화 데이터베이스가 손상되어 GemmaChat이 복구했습니다. 대화 1개를 되살렸습니다. 손상된 파일은 %1에 그대로 보관했으며, 되살리지 못한 내용이 그 안에 남아 있을 수 있습니다.</translation>
    </message>
    <message>
        <source>The conversation database was damaged, so GemmaChat repaired it: %2 conversations could be recovered. The damaged file was kept unchanged at %1; anything not recovered may still be in it.</source>
        <translation>대화 데이터베이스가 손상되어 GemmaChat이 복구했습니다. 대화 %2개를 되살렸습니다. 손상된 파일은 %1에 그대로 보관했으며, 되살리지 못한 내용이 그 안에 남아 있을 수 있습니다.</translation>
    </message>
    <message>
        <source>This conversation could not be saved: the disk is full. Your earlier conversations are safe. Free some disk space; GemmaChat saves again as soon as it can.</source>
        <translation>디스크가 가득 차서 이 대화를 저장하지 못했습니다. 이전 대화는 안전합니다. 디스크 공간을 확보하세요. 저장할 수 있게 되면 GemmaChat이 바로 다시 저장합니다.</translation>
    </message>
    <message>
        <source>This conversation could not be saved (%1). Your earlier conversations are safe. Check that the disk has free space and the data folder can be written to; GemmaChat saves again as soon as it can.</source>
        <translation>이 대화를 저장하지 못했습니다(%1). 이전 대화는 안전합니다. 디스크에 여유 공간이 있는지, 데이터 폴더에 쓸 수 있는지 확인하세요. 저장할 수 있게 되면 GemmaChat이 바로 다시 저장합니다.</translation>
    </message>
</context>
<context>
    <name>gemma::ChatController</name>
    <message>
        <source>The model is still loading. Send again when it is ready.</source>
        <translation>모델을 아직 불러오는 중입니다. 준비되면 다시 보내세요.</translation>
    </message>
    <message>
        <source>No model is loaded. Choose one in the model picker at the top, or import one.</source>
        <translation>불러온 모델이 없습니다. 위쪽 모델 선택에서 고르거나 모델을 가져오세요.</translation>
    </message>
    <message>
        <source>There is no message to reply to.</source>
        <translation>답할 메시지가 없습니다.</translation>
    </message>
    <message numerus="yes">
        <source>The conversation is longer than the context, so its %n oldest exchange(s) were left out of this reply.</source>
        <translation>
            <numerusform>대화가 컨텍스트보다 길어서 가장 오래된 대화 %n개를 빼고 답했습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>The reply stopped because the context is full. Start a new chat or choose a larger context size in Settings.</source>
        <translation>컨텍스트가 가득 차서 답변이 멈췄습니다. 새 대화를 시작하거나 설정에서 컨텍스트 크기를 늘리세요.</translation>
    </message>
    <message>
        <source>The reply reached the maximum length set in Settings.</source>
        <translation>답변이 설정의 최대 길이에 도달했습니다.</translation>
    </message>
</context>
<context>
    <name>gemma::ExportController</name>
    <message>
        <source>There is no conversation to export yet: send a message first.</source>
        <translation>아직 내보낼 대화가 없습니다. 먼저 메시지를 보내세요.</translation>
    </message>
    <message>
        <source>Another export is still running. Try again when it is done.</source>
        <translation>다른 내보내기가 아직 진행 중입니다. 끝난 뒤에 다시 시도하세요.</translation>
    </message>
    <message>
        <source>The conversation database is not open, so there is nothing to export.</source>
        <translation>대화 데이터베이스가 열려 있지 않아 내보낼 것이 없습니다.</translation>
    </message>
    <message>
        <source>%1 holds no conversations to import.</source>
        <translation>%1에는 가져올 대화가 없습니다.</translation>
    </message>
    <message>
        <source>Imported 1 conversation from %1.</source>
        <translation>%1에서 대화 1개를 가져왔습니다.</translation>
    </message>
    <message>
        <source>Imported %2 conversations from %1.</source>
        <translation>%1에서 대화 %2개를 가져왔습니다.</translation>
    </message>
    <message>
        <source>Saved to %1</source>
        <translation>%1에 저장했습니다</translation>
    </message>
    <message>
        <source>Could not import the conversations: %1</source>
        <translation>대화를 가져오지 못했습니다: %1</translation>
    </message>
    <message>
        <source>Could not export: %1</source>
        <translation>내보내지 못했습니다: %1</translation>
    </message>
</context>
<context>
    <name>gemma::ImportController</name>
    <message>
        <source>“%1” does not exist.</source>
        <translation>“%1”이(가) 없습니다.</translation>
    </message>
    <message>
        <source>“%1” is neither a GGUF file nor a Hugging Face folder. Choose the folder you downloaded (with config.json, tokenizer.model and the .safetensors files) or a .gguf file.</source>
        <translation>“%1”은(는) GGUF 파일도 Hugging Face 폴더도 아닙니다. 내려받은 폴더(config.json, tokenizer.model, .safetensors 파일이 있는 폴더)나 .gguf 파일을 고르세요.</translation>
    </message>
    <message>
        <source>The model folder %1 cannot be created.</source>
        <translation>모델 폴더 %1을(를) 만들 수 없습니다.</translation>
    </message>
</context>
<context>
    <name>gemma::InferenceWorker</name>
    <message>
        <source>There is not enough memory to load this model. Close other programs or choose a smaller model.</source>
        <translation>이 모델을 불러올 메모리가 부족합니다. 다른 프로그램을 닫거나 더 작은 모델을 고르세요.</translation>
    </message>
    <message>
        <source>No model is loaded. Choose one in the model picker.</source>
        <translation>불러온 모델이 없습니다. 모델 선택에서 고르세요.</translation>
    </message>
    <message>
        <source>There is not enough memory for this conversation. Choose a smaller context size in Settings.</source>
        <translation>이 대화에 쓸 메모리가 부족합니다. 설정에서 컨텍스트 크기를 줄이세요.</translation>
    </message>
</context>
<context>
    <name>gemma::ModelManager</name>
    <message>
        <source>This model file cannot be used: %1</source>
        <translation>이 모델 파일은 쓸 수 없습니다: %1</translation>
    </message>
    <message>
        <source>%1 needs %2 of memory with a %3-token context, but only %4 is available. Close other programs, choose a smaller context size in Settings, or use a smaller model.</source>
        <extracomment>%1 model name, %2 memory needed, %3 context size in tokens, %4 memory available</extracomment>
        <translation>%1은(는) %3토큰 컨텍스트에서 메모리 %2이(가) 필요하지만 %4만 쓸 수 있습니다. 다른 프로그램을 닫거나, 설정에서 컨텍스트 크기를 줄이거나, 더 작은 모델을 쓰세요.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>GemmaChat: chat with Google&apos;s Gemma 2B or 7B on this computer, offline.</source>
        <translation>GemmaChat: Google의 Gemma 2B/7B와 이 컴퓨터에서 오프라인으로 대화합니다.</translation>
    </message>
    <message>
        <source>Keep models, conversations and settings in DIR.</source>
        <translation>모델, 대화, 설정을 DIR에 보관합니다.</translation>
    </message>
    <message>
        <source>Load this model file (or Hugging Face folder, or GGUF file) at start.</source>
        <translation>시작할 때 이 모델 파일(또는 Hugging Face 폴더, GGUF 파일)을 불러옵니다.</translation>
    </message>
    <message>
        <source>Save a screenshot of the window to FILE once it is ready, then quit.</source>
        <translation>창이 준비되면 화면을 FILE에 저장하고 끝냅니다.</translation>
    </message>
    <message>
        <source>Use the light or dark theme, or follow the system.</source>
        <translation>밝은 테마나 어두운 테마를 쓰거나 시스템 설정을 따릅니다.</translation>
    </message>
    <message>
        <source>Use English or Korean.</source>
        <translation>영어나 한국어를 씁니다.</translation>
    </message>
    <message>
        <source>Open the model list or the settings at start.</source>
        <translation>시작할 때 모델 목록이나 설정을 엽니다.</translation>
    </message>
    <message>
        <source>Open the newest conversation at start.</source>
        <translation>시작할 때 가장 최근 대화를 엽니다.</translation>
    </message>
    <message>
        <source>The window&apos;s size in pixels.</source>
        <translation>창 크기(픽셀).</translation>
    </message>
    <message>
        <source>Unexpected argument: %1</source>
        <translation>알 수 없는 인자: %1</translation>
    </message>
    <message>
        <source>--theme takes light, dark or system</source>
        <translation>--theme에는 light, dark, system 중 하나를 쓰세요</translation>
    </message>
    <message>
        <source>--language takes en or ko</source>
        <translation>--language에는 en이나 ko를 쓰세요</translation>
    </message>
    <message>
        <source>--show takes models or settings</source>
        <translation>--show에는 models나 settings를 쓰세요</translation>
    </message>
    <message>
        <source>--size takes WIDTHxHEIGHT, for example 1280x800</source>
        <translation>--size에는 너비x높이를 쓰세요. 예: 1280x800</translation>
    </message>
</context>
</TS>
