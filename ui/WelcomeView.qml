// The first run, before Gemma is imported: where to get Gemma, in plain words, and the import. With the
// demo model that comes with the app loaded, the chat page shows it above the composer and it says what the
// demo is (tiny, not Gemma); with nothing loaded it fills the window and offers the demo.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

ScrollView {
    id: root
    required property AppController app
    signal importFolder()
    signal importFile()
    contentWidth: availableWidth

    readonly property var engine: app.engine
    // The model in use (or being loaded) is the demo that comes with the app.
    readonly property bool demoInUse: engine.state !== EngineController.NoModel
        && app.models.isBundled(engine.state === EngineController.Loading ? engine.loadingPath : engine.modelPath)
    // Read again whenever the model list changes (the count is only there to make the binding depend on it).
    readonly property string demoPath: app.models.count >= 0 ? app.models.demoModel() : ""

    ColumnLayout {
        width: Math.min(root.availableWidth - 48, 640)
        x: (root.availableWidth - width) / 2
        spacing: 14

        Item { implicitHeight: 24 }

        Image {
            Layout.alignment: Qt.AlignHCenter
            source: "qrc:/icons/gemma-chat.svg"
            sourceSize.width: 72
            sourceSize.height: 72
            Accessible.ignored: true
        }

        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Welcome to GemmaChat")
            font.pixelSize: 26
            font.bold: true
            color: Theme.text
            wrapMode: Text.WordWrap
        }

        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: Theme.text
            font.pixelSize: 15
            text: qsTr("GemmaChat runs Google's Gemma language model on this computer. Nothing you write leaves it, "
                       + "and it works without the internet. First it needs the model itself, which you download once.")
        }

        Label {
            objectName: "welcomeDemoNote"
            Layout.fillWidth: true
            visible: root.demoInUse || root.demoPath !== ""
            wrapMode: Text.WordWrap
            color: Theme.text
            font.pixelSize: 15
            text: root.demoInUse
                  ? qsTr("Until then, you can try GemmaChat with its demo model, ready below. It is tiny and it is not "
                         + "Gemma: it only knows greetings in English and Korean, adding and subtracting two-digit "
                         + "numbers, and how GemmaChat works.")
                  : qsTr("Until then, you can try GemmaChat with its demo model. It is tiny and it is not Gemma: it "
                         + "only knows greetings in English and Korean, adding and subtracting two-digit numbers, "
                         + "and how GemmaChat works.")
        }

        Button {
            objectName: "welcomeTryDemo"
            Layout.alignment: Qt.AlignHCenter
            visible: !root.demoInUse && root.demoPath !== "" && root.engine.state === EngineController.NoModel
            text: qsTr("Try the demo model")
            onClicked: root.app.models.load(root.demoPath)
        }

        Label {
            Layout.fillWidth: true
            text: qsTr("Where to get Gemma")
            font.pixelSize: 17
            font.bold: true
            color: Theme.text
        }

        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            textFormat: Text.MarkdownText
            color: Theme.text
            font.pixelSize: 15
            onLinkActivated: (link) => Qt.openUrlExternally(link)
            text: qsTr("1. On Hugging Face, sign in and accept Google's terms on the page of "
                       + "[google/gemma-2b-it](https://huggingface.co/google/gemma-2b-it) (about 5 GB, runs on most "
                       + "computers) or [google/gemma-7b-it](https://huggingface.co/google/gemma-7b-it) (about 17 GB, "
                       + "needs 12 GB of memory or more). The “-it” models are the ones made for chatting.\n"
                       + "2. Download the whole folder, with config.json, tokenizer.model and the .safetensors files. "
                       + "A GGUF file of Gemma (F32, F16, BF16 or Q8_0) works too.\n"
                       + "3. Import it here. GemmaChat converts it once into its own compact file; the download "
                       + "can be deleted afterwards.")
        }

        RowLayout {
            Layout.alignment: Qt.AlignHCenter
            spacing: 12
            Button {
                objectName: "welcomeImportFolder"
                text: qsTr("Import a Hugging Face folder…")
                highlighted: true
                onClicked: root.importFolder()
                Accessible.name: qsTr("Import a Hugging Face model folder")
            }
            Button {
                objectName: "welcomeImportFile"
                text: qsTr("Import a GGUF file…")
                onClicked: root.importFile()
                Accessible.name: qsTr("Import a GGUF file")
            }
        }

        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            color: Theme.mutedText
            text: qsTr("You can also drop the folder or the file onto this window.")
        }

        Item { implicitHeight: 24 }
    }
}
