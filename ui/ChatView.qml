// The messages of the open conversation. While a reply streams, the view follows it down, unless the
// reader scrolled up to read something: then it stays put and offers a button back to the newest text.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

Item {
    id: root
    required property AppController app
    readonly property alias list: list
    // True while the view keeps the end of the conversation in sight.
    property bool followEnd: true

    ListView {
        id: list
        objectName: "messageList"
        anchors.fill: parent
        clip: true
        model: root.app.chat.messages
        spacing: 4
        topMargin: 16
        bottomMargin: 16
        activeFocusOnTab: true
        keyNavigationEnabled: true
        reuseItems: false
        cacheBuffer: 2000
        boundsBehavior: Flickable.StopAtBounds
        Accessible.name: qsTr("Messages")
        Accessible.role: Accessible.List
        ScrollBar.vertical: ScrollBar { id: scrollBar }

        property bool autoScrolling: false
        function nearEnd() { return contentY + height >= contentHeight + originY + bottomMargin - 40 }
        function scrollToEnd() {
            autoScrolling = true
            positionViewAtEnd()
            // positionViewAtEnd leaves the bottom margin out of sight; show it too.
            const end = contentHeight + originY + bottomMargin - height
            if (contentY < end) contentY = end
            autoScrolling = false
        }

        // Any move the view did not make itself is the reader's (wheel, drag, scroll bar, keys): follow
        // the stream again only once they are back at the end.
        onContentYChanged: if (!autoScrolling) root.followEnd = nearEnd()
        onContentHeightChanged: if (root.followEnd) scrollToEnd()
        onHeightChanged: if (root.followEnd) scrollToEnd()
        onCountChanged: if (root.followEnd) Qt.callLater(scrollToEnd)

        delegate: MessageDelegate {
            app: root.app
            width: ListView.view.width
        }

    }

    Connections {
        target: root.app.chat
        function onReplyStarted() { root.followEnd = true; list.scrollToEnd() }
        function onConversationIdChanged() { root.followEnd = true; Qt.callLater(list.scrollToEnd) }
    }

    // An empty chat: what to do next.
    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(parent.width - 40, 520)
        visible: list.count === 0
        spacing: 8
        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            font.pixelSize: 22
            color: Theme.text
            wrapMode: Text.WordWrap
            text: root.app.engine.state === EngineController.Ready
                  ? qsTr("Chat with %1").arg(root.app.engine.modelName)
                  : root.app.engine.state === EngineController.Loading ? qsTr("Loading the model…")
                                                                      : qsTr("Choose a model to start")
        }
        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            color: Theme.mutedText
            text: root.app.engine.state === EngineController.Ready
                  ? qsTr("Everything stays on this computer. Enter sends, Shift+Enter starts a new line.")
                  : qsTr("Pick an imported model from the list at the top of the window.")
        }
    }

    RoundButton {
        objectName: "jumpToEndButton"
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: 16
        visible: !root.followEnd && list.count > 0
        icon.source: "qrc:/icons/icons/arrow-down.svg"
        icon.color: Theme.text
        onClicked: { root.followEnd = true; list.scrollToEnd() }
        Accessible.name: qsTr("Scroll to the newest message")
    }
}
