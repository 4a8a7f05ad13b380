// The chat: messages above, the composer below, and any problem in plain words between them. Until Gemma
// is imported a new chat shows the welcome view instead of the messages: above the composer when the demo
// model is there to talk to, alone when there is no model at all.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

Item {
    id: root
    required property AppController app
    readonly property alias view: chatView
    readonly property alias composer: composer
    readonly property bool nothingToTalkTo: root.app.models.importedCount === 0
                                            && root.app.engine.state === EngineController.NoModel
    readonly property bool showWelcome: root.app.models.importedCount === 0
                                        && (chatView.list.count === 0 || root.nothingToTalkTo)
    signal importFolder()
    signal importFile()

    function focusComposer() { composer.focusInput() }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        ChatView {
            id: chatView
            app: root.app
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: !root.showWelcome
        }

        WelcomeView {
            objectName: "welcomeView"
            app: root.app
            Layout.fillWidth: true
            Layout.fillHeight: true
            visible: root.showWelcome
            onImportFolder: root.importFolder()
            onImportFile: root.importFile()
        }

        // Problems and notices: each says what happened and what to do; each can be dismissed.
        Repeater {
            model: [
                { text: root.app.chat.errorString, error: true, clear: () => root.app.chat.clearError() },
                { text: root.app.engine.errorString, error: true, clear: () => root.app.engine.clearError() },
                { text: root.app.models.errorString, error: true, clear: () => root.app.models.clearError() },
                // A failed save stays up (no dismiss) until a save goes through again.
                { text: root.app.saveProblem, error: true, clear: null, name: "saveProblemBanner" },
                { text: root.app.recoveryNotice, error: true, clear: () => root.app.dismissRecoveryNotice(),
                  name: "recoveryBanner" },
                // What the store said in its own words, unless one of the two above already says it.
                { text: root.app.saveProblem === "" && root.app.recoveryNotice === "" ? root.app.storeError : "",
                  error: true, clear: null },
                { text: root.app.exporter.message, error: root.app.exporter.failed,
                  clear: () => root.app.exporter.clearResult(), name: "exportBanner" },
                { text: root.app.chat.notice, error: false, clear: null }
            ]
            delegate: Rectangle {
                required property var modelData
                objectName: modelData.name !== undefined ? modelData.name
                            : modelData.error ? "errorBanner" : "noticeBanner"
                Layout.fillWidth: true
                Layout.maximumWidth: Theme.contentWidth
                Layout.alignment: Qt.AlignHCenter
                Layout.leftMargin: 16
                Layout.rightMargin: 16
                Layout.bottomMargin: 6
                visible: modelData.text !== ""
                implicitHeight: bannerRow.implicitHeight + 16
                radius: Theme.radius
                color: modelData.error ? Theme.dangerBackground : Theme.noticeBackground
                Accessible.role: Accessible.AlertMessage
                Accessible.name: modelData.text
                RowLayout {
                    id: bannerRow
                    anchors.fill: parent
                    anchors.margins: 8
                    Label {
                        Layout.fillWidth: true
                        text: modelData.text
                        wrapMode: Text.WordWrap
                        color: modelData.error ? Theme.danger : Theme.text
                    }
                    ToolButton {
                        objectName: "dismissBanner"
                        visible: modelData.clear !== null
                        icon.source: "qrc:/icons/icons/close.svg"
                        icon.color: Theme.mutedText
                        onClicked: modelData.clear()
                        Accessible.name: qsTr("Dismiss")
                    }
                }
            }
        }

        Composer {
            id: composer
            app: root.app
            visible: !root.nothingToTalkTo
            Layout.fillWidth: true
            Layout.maximumWidth: Theme.contentWidth + 32
            Layout.alignment: Qt.AlignHCenter
        }
    }
}
