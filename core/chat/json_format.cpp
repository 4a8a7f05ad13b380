// JSON export/import of conversations (format described in json_format.h).
#include "core/chat/json_format.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include "core/engine/error.h"

namespace gemma {
namespace {

QJsonObject MessageToJson(const MessageRecord& m, qint64 local_id, qint64 local_parent) {
  QJsonObject o;
  o[QLatin1String("id")] = local_id;
  o[QLatin1String("parent")] = local_parent == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(local_parent);
  o[QLatin1String("role")] = RoleName(m.role);
  o[QLatin1String("text")] = m.text;
  o[QLatin1String("created")] = m.created_ms;
  o[QLatin1String("model")] = m.model;
  o[QLatin1String("prompt_tokens")] = m.prompt_tokens;
  o[QLatin1String("reply_tokens")] = m.reply_tokens;
  o[QLatin1String("tokens_per_second")] = m.tokens_per_second;
  o[QLatin1String("state")] = StateName(m.state);
  o[QLatin1String("error")] = m.error_text;
  o[QLatin1String("selected")] = m.selected_ms;
  return o;
}

QJsonObject ConversationToJson(const ConversationData& data) {
  QJsonObject o;
  o[QLatin1String("title")] = data.info.title;
  o[QLatin1String("title_source")] = TitleSourceName(data.info.title_source);
  o[QLatin1String("created")] = data.info.created_ms;
  o[QLatin1String("updated")] = data.info.updated_ms;
  o[QLatin1String("model")] = data.info.model;
  o[QLatin1String("settings")] = data.info.settings;
  // Local ids in id order; a parent always has a smaller database id than its children.
  QList<MessageRecord> messages = data.messages;
  std::sort(messages.begin(), messages.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  QHash<qint64, qint64> local;
  QJsonArray array;
  for (const MessageRecord& m : messages) {
    const qint64 id = local.size() + 1;
    local.insert(m.id, id);
    array.append(MessageToJson(m, id, m.parent_id == 0 ? 0 : local.value(m.parent_id, 0)));
  }
  o[QLatin1String("messages")] = array;
  return o;
}

// Field readers that say where a value is wrong.
class Reader {
 public:
  Reader(const QJsonObject& object, QString where) : object_(object), where_(std::move(where)) {}

  [[noreturn]] void Fail(const QString& what) const {
    throw Error(QStringLiteral("this is not a valid GemmaChat export: %1: %2").arg(where_, what).toStdString());
  }
  QJsonValue Get(const char* key) const {
    const QJsonValue v = object_.value(QLatin1String(key));
    if (v.isUndefined()) Fail(QStringLiteral("\"%1\" is missing").arg(QLatin1String(key)));
    return v;
  }
  QString String(const char* key) const {
    const QJsonValue v = Get(key);
    if (!v.isString()) Fail(QStringLiteral("\"%1\" must be a string").arg(QLatin1String(key)));
    return v.toString();
  }
  qint64 Integer(const char* key) const {
    const QJsonValue v = Get(key);
    // QJsonValue keeps integers exactly; a double with a fraction is not an integer.
    if (!v.isDouble() || v.toDouble() != static_cast<double>(v.toInteger())) {
      Fail(QStringLiteral("\"%1\" must be an integer").arg(QLatin1String(key)));
    }
    return v.toInteger();
  }
  double Number(const char* key) const {
    const QJsonValue v = Get(key);
    if (!v.isDouble()) Fail(QStringLiteral("\"%1\" must be a number").arg(QLatin1String(key)));
    return v.toDouble();
  }
  template <typename T>
  T Enum(const char* key, std::optional<T> (*parse)(const QString&)) const {
    const QString s = String(key);
    std::optional<T> value = parse(s);
    if (!value) Fail(QStringLiteral("\"%1\" has an unknown value \"%2\"").arg(QLatin1String(key), s));
    return *value;
  }

 private:
  const QJsonObject& object_;
  QString where_;
};

MessageRecord MessageFromJson(const QJsonObject& o, const QString& where, const QSet<qint64>& earlier) {
  Reader r(o, where);
  MessageRecord m;
  m.id = r.Integer("id");
  if (m.id <= 0 || earlier.contains(m.id)) r.Fail(QStringLiteral("\"id\" must be positive and unique"));
  const QJsonValue parent = r.Get("parent");
  if (!parent.isNull()) {
    m.parent_id = r.Integer("parent");
    if (!earlier.contains(m.parent_id)) r.Fail(QStringLiteral("\"parent\" must name an earlier message"));
  }
  m.role = r.Enum<MessageRole>("role", &RoleFromName);
  m.text = r.String("text");
  m.created_ms = r.Integer("created");
  m.model = r.String("model");
  m.prompt_tokens = r.Integer("prompt_tokens");
  m.reply_tokens = r.Integer("reply_tokens");
  m.tokens_per_second = r.Number("tokens_per_second");
  m.state = r.Enum<MessageState>("state", &StateFromName);
  m.error_text = r.String("error");
  m.selected_ms = r.Integer("selected");
  return m;
}

ConversationData ConversationFromJson(const QJsonObject& o, const QString& where) {
  Reader r(o, where);
  ConversationData data;
  data.info.title = r.String("title");
  data.info.title_source = r.Enum<TitleSource>("title_source", &TitleSourceFromName);
  data.info.created_ms = r.Integer("created");
  data.info.updated_ms = r.Integer("updated");
  data.info.model = r.String("model");
  const QJsonValue settings = r.Get("settings");
  if (!settings.isObject()) r.Fail(QStringLiteral("\"settings\" must be an object"));
  data.info.settings = settings.toObject();
  const QJsonValue messages = r.Get("messages");
  if (!messages.isArray()) r.Fail(QStringLiteral("\"messages\" must be an array"));
  QSet<qint64> seen;
  const QJsonArray array = messages.toArray();
  for (qsizetype i = 0; i < array.size(); ++i) {
    const QString message_where = QStringLiteral("%1, message %2").arg(where).arg(i + 1);
    if (!array[i].isObject()) Reader(o, message_where).Fail(QStringLiteral("not an object"));
    MessageRecord m = MessageFromJson(array[i].toObject(), message_where, seen);
    seen.insert(m.id);
    data.messages.append(std::move(m));
  }
  return data;
}

}  // namespace

QByteArray ConversationsToJson(const QList<ConversationData>& conversations) {
  QJsonArray array;
  for (const ConversationData& data : conversations) array.append(ConversationToJson(data));
  QJsonObject root;
  root[QLatin1String("format")] = QLatin1String(kJsonFormatName);
  root[QLatin1String("version")] = kJsonFormatVersion;
  root[QLatin1String("conversations")] = array;
  return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QList<ConversationData> ConversationsFromJson(const QByteArray& json) {
  QJsonParseError parse_error;
  const QJsonDocument document = QJsonDocument::fromJson(json, &parse_error);
  if (parse_error.error != QJsonParseError::NoError) {
    throw Error(QStringLiteral("this is not a valid GemmaChat export: JSON error at byte %1: %2")
                    .arg(parse_error.offset)
                    .arg(parse_error.errorString())
                    .toStdString());
  }
  const QJsonObject root = document.object();
  Reader r(root, QStringLiteral("the file"));
  if (r.String("format") != QLatin1String(kJsonFormatName)) r.Fail(QStringLiteral("\"format\" is not ours"));
  const qint64 version = r.Integer("version");
  if (version > kJsonFormatVersion) {
    throw Error(QStringLiteral("this export was made by a newer GemmaChat (format version %1; this one reads up "
                               "to %2): update GemmaChat to import it")
                    .arg(version)
                    .arg(kJsonFormatVersion)
                    .toStdString());
  }
  if (version < 1) r.Fail(QStringLiteral("\"version\" must be at least 1"));
  const QJsonValue conversations = r.Get("conversations");
  if (!conversations.isArray()) r.Fail(QStringLiteral("\"conversations\" must be an array"));
  QList<ConversationData> result;
  const QJsonArray array = conversations.toArray();
  for (qsizetype i = 0; i < array.size(); ++i) {
    const QString where = QStringLiteral("conversation %1").arg(i + 1);
    if (!array[i].isObject()) Reader(root, where).Fail(QStringLiteral("not an object"));
    result.append(ConversationFromJson(array[i].toObject(), where));
  }
  return result;
}

}  // namespace gemma
