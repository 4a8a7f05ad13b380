// Settings, saved as they change: how replies are sampled, the system prompt (this conversation's and the
// default), the context size and threads, the theme and the language.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

Dialog {
    id: root
    required property AppController app
    readonly property var settings: app.settings

    objectName: "settingsDialog"
    title: qsTr("Settings")
    modal: true
    width: Math.min(620, (parent ? parent.width : 620) - 40)
    height: Math.min(720, (parent ? parent.height : 720) - 40)
    standardButtons: Dialog.Close
    padding: 16

    background: Rectangle {
        color: Theme.raised
        border.color: Theme.border
        radius: Theme.radius
    }

    component SectionTitle: Label {
        Layout.columnSpan: 2
        Layout.topMargin: 10
        font.bold: true
        font.pixelSize: 15
        color: Theme.text
    }
    component Hint: Label {
        Layout.columnSpan: 2
        Layout.fillWidth: true
        wrapMode: Text.WordWrap
        font.pixelSize: 12
        color: Theme.mutedText
    }
    // A decimal value edited with a slider and shown beside it.
    component DecimalSlider: RowLayout {
        id: decimal
        property alias from: slider.from
        property alias to: slider.to
        property alias stepSize: slider.stepSize
        property real value
        property int decimals: 2
        property string accessibleName
        signal moved(real value)
        Layout.fillWidth: true
        Slider {
            id: slider
            Layout.fillWidth: true
            value: decimal.value
            snapMode: Slider.SnapAlways
            onMoved: decimal.moved(value)
            Accessible.name: decimal.accessibleName
        }
        Label {
            text: decimal.value.toFixed(decimal.decimals)
            color: Theme.text
            Layout.preferredWidth: 44
        }
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        GridLayout {
            width: parent.width
            columns: 2
            columnSpacing: 16
            rowSpacing: 8

            SectionTitle { text: qsTr("Replies") }

            Label { text: qsTr("Temperature"); color: Theme.text }
            DecimalSlider {
                objectName: "temperatureSlider"
                from: 0; to: 2; stepSize: 0.05
                value: root.settings.temperature
                accessibleName: qsTr("Temperature")
                onMoved: (v) => root.settings.temperature = v
            }
            Hint { text: qsTr("Lower is more focused and repeatable, higher more varied. 0 always picks the likeliest word.") }

            Label { text: qsTr("Top-k"); color: Theme.text }
            SpinBox {
                objectName: "topKSpin"
                from: 0; to: 1000
                editable: true
                value: root.settings.topK
                onValueModified: root.settings.topK = value
                Accessible.name: qsTr("Top-k (0 is off)")
            }

            Label { text: qsTr("Top-p"); color: Theme.text }
            DecimalSlider {
                from: 0.05; to: 1; stepSize: 0.01
                value: root.settings.topP
                accessibleName: qsTr("Top-p")
                onMoved: (v) => root.settings.topP = v
            }

            Label { text: qsTr("Min-p"); color: Theme.text }
            DecimalSlider {
                from: 0; to: 0.5; stepSize: 0.01
                value: root.settings.minP
                accessibleName: qsTr("Min-p")
                onMoved: (v) => root.settings.minP = v
            }

            Label { text: qsTr("Repetition penalty"); color: Theme.text }
            DecimalSlider {
                from: 1; to: 2; stepSize: 0.01
                value: root.settings.repetitionPenalty
                accessibleName: qsTr("Repetition penalty")
                onMoved: (v) => root.settings.repetitionPenalty = v
            }

            Label { text: qsTr("Longest reply (tokens)"); color: Theme.text }
            SpinBox {
                from: 1; to: 8192
                stepSize: 64
                editable: true
                value: root.settings.maxReplyTokens
                onValueModified: root.settings.maxReplyTokens = value
                Accessible.name: qsTr("Longest reply in tokens")
            }

            Label { text: qsTr("Seed"); color: Theme.text }
            SpinBox {
                from: 0; to: 2147483647
                editable: true
                value: root.settings.seed
                onValueModified: root.settings.seed = value
                Accessible.name: qsTr("Seed (0 is random)")
            }
            Hint { text: qsTr("0 picks a new random seed for every reply; any other number makes replies repeatable.") }

            Button {
                Layout.columnSpan: 2
                text: qsTr("Restore the default reply settings")
                onClicked: root.settings.resetSampling()
            }

            SectionTitle { text: qsTr("System prompt") }
            Hint { text: qsTr("Instructions the model reads before the conversation, for example “Answer briefly.”") }
            Label { text: qsTr("This conversation"); color: Theme.text; Layout.alignment: Qt.AlignTop }
            TextArea {
                objectName: "conversationSystemPrompt"
                background: Rectangle {
                    color: Theme.raised
                    radius: 4
                    border.color: parent.activeFocus ? Theme.accent : Theme.border
                }
                Layout.fillWidth: true
                Layout.preferredHeight: 70
                wrapMode: TextEdit.Wrap
                text: root.app.chat.conversationSystemPrompt
                placeholderText: qsTr("Empty: the default below")
                onEditingFinished: root.app.chat.conversationSystemPrompt = text
                Accessible.name: qsTr("System prompt of this conversation")
            }
            Label { text: qsTr("Default"); color: Theme.text; Layout.alignment: Qt.AlignTop }
            TextArea {
                objectName: "globalSystemPrompt"
                background: Rectangle {
                    color: Theme.raised
                    radius: 4
                    border.color: parent.activeFocus ? Theme.accent : Theme.border
                }
                Layout.fillWidth: true
                Layout.preferredHeight: 70
                wrapMode: TextEdit.Wrap
                text: root.settings.systemPrompt
                placeholderText: qsTr("None")
                onEditingFinished: root.settings.systemPrompt = text
                Accessible.name: qsTr("Default system prompt")
            }
            CheckBox {
                objectName: "suggestTitlesCheck"
                Layout.columnSpan: 2
                text: qsTr("Let the model suggest a title after the first reply")
                checked: root.settings.suggestTitles
                onToggled: root.settings.suggestTitles = checked
                Accessible.name: text
            }

            SectionTitle { text: qsTr("Engine") }
            Label { text: qsTr("Context size (tokens)"); color: Theme.text }
            ComboBox {
                objectName: "contextCombo"
                model: [512, 1024, 2048, 4096, 8192]
                currentIndex: Math.max(0, model.indexOf(root.settings.contextSize))
                onActivated: (i) => root.settings.contextSize = model[i]
                Accessible.name: qsTr("Context size in tokens")
            }
            Hint { text: qsTr("How much of the conversation the model keeps in mind. Larger needs more memory; the oldest messages are left out when a conversation grows past it.") }

            Label { text: qsTr("Threads"); color: Theme.text }
            SpinBox {
                from: 0; to: root.settings.maxThreads
                value: root.settings.threads
                onValueModified: root.settings.threads = value
                textFromValue: (v) => v === 0 ? qsTr("All (%1)").arg(root.settings.maxThreads) : String(v)
                valueFromText: (t) => parseInt(t) || 0
                Accessible.name: qsTr("Threads (0 is all cores)")
            }
            Hint { text: qsTr("Takes effect when a model is next loaded.") }

            SectionTitle { text: qsTr("Appearance") }
            Label { text: qsTr("Theme"); color: Theme.text }
            ComboBox {
                objectName: "themeCombo"
                readonly property var values: ["system", "light", "dark"]
                model: [qsTr("Follow the system"), qsTr("Light"), qsTr("Dark")]
                currentIndex: Math.max(0, values.indexOf(root.settings.theme))
                onActivated: (i) => root.settings.theme = values[i]
                Accessible.name: qsTr("Theme")
            }
            Label { text: qsTr("Language"); color: Theme.text }
            ComboBox {
                objectName: "languageCombo"
                readonly property var values: ["", "en", "ko"]
                model: [qsTr("Follow the system"), "English", "한국어"]
                currentIndex: Math.max(0, values.indexOf(root.settings.language))
                onActivated: (i) => root.settings.language = values[i]
                Accessible.name: qsTr("Language")
            }

            SectionTitle { text: qsTr("About") }
            Button {
                objectName: "aboutButton"
                Layout.columnSpan: 2
                text: qsTr("About GemmaChat %1 and its licenses").arg(root.app.version)
                onClicked: aboutDialog.open()
            }
        }
    }

    AboutDialog {
        id: aboutDialog
        app: root.app
        parent: Overlay.overlay
        anchors.centerIn: parent
    }
}
