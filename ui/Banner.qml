// One problem or notice above the composer: what happened in plain words, and a dismiss button when there
// is something to dismiss. Hidden while its text is empty.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

Rectangle {
    id: root
    property string text
    property bool error: true
    property bool dismissible: true
    signal dismissed()

    // Placed in the chat page's column: as wide as the messages, centred, spaced from what follows.
    Layout.fillWidth: true
    Layout.maximumWidth: Theme.contentWidth
    Layout.alignment: Qt.AlignHCenter
    Layout.leftMargin: 16
    Layout.rightMargin: 16
    Layout.bottomMargin: 6
    visible: text !== ""
    implicitHeight: bannerRow.implicitHeight + 16
    radius: Theme.radius
    color: error ? Theme.dangerBackground : Theme.noticeBackground
    Accessible.role: Accessible.AlertMessage
    Accessible.name: text

    RowLayout {
        id: bannerRow
        anchors.fill: parent
        anchors.margins: 8
        Label {
            Layout.fillWidth: true
            text: root.text
            wrapMode: Text.WordWrap
            color: root.error ? Theme.danger : Theme.text
        }
        ToolButton {
            objectName: "dismissBanner"
            visible: root.dismissible
            icon.source: "qrc:/icons/icons/close.svg"
            icon.color: Theme.mutedText
            onClicked: root.dismissed()
            Accessible.name: qsTr("Dismiss")
        }
    }
}
