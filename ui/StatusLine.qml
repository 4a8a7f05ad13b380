// The status line: the model, its speed, how much of the context the conversation uses, memory in use.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import GemmaChat

ToolBar {
    id: root
    required property AppController app
    readonly property var engine: app.engine

    background: Rectangle {
        color: Theme.sidebar
        Rectangle { width: parent.width; height: 1; color: Theme.border }
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 12
        anchors.rightMargin: 12
        spacing: 18

        Label {
            objectName: "statusModel"
            color: Theme.mutedText
            font.pixelSize: 12
            text: root.engine.state === EngineController.Ready
                  ? qsTr("Model: %1 (%2)").arg(root.engine.modelName).arg(root.engine.modelVariant)
                  : root.engine.state === EngineController.Loading
                    ? (root.engine.loadProgress >= 0 ? qsTr("Loading the model… %1%").arg(Math.round(root.engine.loadProgress * 100))
                                                     : qsTr("Loading the model…"))
                    : qsTr("No model loaded")
        }
        Button {
            objectName: "cancelLoadButton"
            visible: root.engine.state === EngineController.Loading
            text: qsTr("Cancel")
            flat: true
            onClicked: root.engine.cancelLoad()
            Accessible.name: qsTr("Cancel loading the model")
        }
        Label {
            objectName: "statusSpeed"
            visible: root.engine.state === EngineController.Ready
                     && (root.app.chat.generating || root.engine.tokensPerSecond > 0)
            color: Theme.mutedText
            font.pixelSize: 12
            text: root.app.chat.generating && root.engine.tokensPerSecond === 0
                  ? qsTr("Reading…")
                  : qsTr("%1 tokens/s").arg(root.engine.tokensPerSecond.toFixed(1))
        }
        Label {
            objectName: "statusContext"
            visible: root.engine.state === EngineController.Ready
            color: Theme.mutedText
            font.pixelSize: 12
            text: qsTr("Context: %1 / %2").arg(root.app.chat.contextUsed).arg(root.engine.contextSize)
        }
        Item { Layout.fillWidth: true }
        Label {
            objectName: "statusMemory"
            color: Theme.mutedText
            font.pixelSize: 12
            text: qsTr("Memory: %1").arg(root.app.formatBytes(root.engine.memoryInUse))
        }
    }
}
