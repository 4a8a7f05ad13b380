// Where the user writes. Enter sends, Shift+Enter starts a new line; while a reply is written the Send
// button becomes Stop (Esc does the same).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

Item {
    id: root
    required property AppController app
    readonly property alias input: input
    readonly property bool generating: app.chat.generating
    readonly property bool canSend: input.text.trim() !== "" && !generating
                                    && app.engine.state === EngineController.Ready

    implicitHeight: frame.implicitHeight + 24

    function focusInput() { input.forceActiveFocus() }

    function send() {
        if (!canSend) return
        if (app.chat.send(input.text)) input.clear()
    }

    Rectangle {
        id: frame
        anchors.fill: parent
        anchors.margins: 12
        anchors.topMargin: 4
        implicitHeight: Math.min(Math.max(input.implicitHeight, 44), 220) + 12
        radius: Theme.radius + 4
        color: Theme.raised
        border.color: input.activeFocus ? Theme.accent : Theme.border
        border.width: input.activeFocus ? 2 : 1

        RowLayout {
            anchors.fill: parent
            anchors.margins: 6
            spacing: 6

            ScrollView {
                Layout.fillWidth: true
                Layout.fillHeight: true
                TextArea {
                    id: input
                    objectName: "composerInput"
                    wrapMode: TextEdit.Wrap
                    font.pixelSize: 15
                    color: Theme.text
                    background: null
                    placeholderText: root.app.engine.state === EngineController.Ready
                                     ? qsTr("Message %1 (Enter sends, Shift+Enter for a new line)").arg(root.app.engine.modelName)
                                     : qsTr("Load a model to start chatting")
                    Accessible.name: qsTr("Message")
                    Accessible.description: qsTr("Enter sends, Shift+Enter starts a new line")
                    function handleEnter(event) {
                        if (event.modifiers & Qt.ShiftModifier) { event.accepted = false; return }
                        root.send()
                    }
                    Keys.onReturnPressed: (event) => handleEnter(event)
                    Keys.onEnterPressed: (event) => handleEnter(event)
                }
            }

            Button {
                objectName: "sendButton"
                visible: !root.generating
                enabled: root.canSend
                text: qsTr("Send")
                icon.source: "qrc:/icons/icons/send.svg"
                highlighted: true
                onClicked: root.send()
                Accessible.name: qsTr("Send the message")
                Layout.alignment: Qt.AlignBottom
            }
            Button {
                objectName: "stopButton"
                visible: root.generating
                text: qsTr("Stop")
                icon.source: "qrc:/icons/icons/stop.svg"
                icon.color: Theme.text
                onClicked: root.app.chat.stop()
                Accessible.name: qsTr("Stop the reply (Esc)")
                Layout.alignment: Qt.AlignBottom
            }
        }
    }
}
