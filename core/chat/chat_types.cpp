// Names of roles, states and title sources as stored in the database and in exported JSON.
#include "core/chat/chat_types.h"

namespace gemma {
namespace {

template <typename Enum, size_t N>
std::optional<Enum> Lookup(const std::pair<Enum, const char*> (&table)[N], const QString& name) {
  for (const auto& [value, text] : table) {
    if (name == QLatin1String(text)) return value;
  }
  return std::nullopt;
}

template <typename Enum, size_t N>
QString NameOf(const std::pair<Enum, const char*> (&table)[N], Enum value) {
  for (const auto& [v, text] : table) {
    if (v == value) return QString::fromLatin1(text);
  }
  return {};
}

constexpr std::pair<MessageRole, const char*> kRoles[] = {{MessageRole::kUser, "user"},
                                                          {MessageRole::kModel, "model"}};
constexpr std::pair<MessageState, const char*> kStates[] = {{MessageState::kComplete, "complete"},
                                                            {MessageState::kStreaming, "streaming"},
                                                            {MessageState::kStopped, "stopped"},
                                                            {MessageState::kInterrupted, "interrupted"},
                                                            {MessageState::kError, "error"}};
constexpr std::pair<TitleSource, const char*> kTitleSources[] = {{TitleSource::kNone, "none"},
                                                                 {TitleSource::kFirstMessage, "first_message"},
                                                                 {TitleSource::kModel, "model"},
                                                                 {TitleSource::kUser, "user"}};

}  // namespace

QString RoleName(MessageRole role) { return NameOf(kRoles, role); }
std::optional<MessageRole> RoleFromName(const QString& name) { return Lookup(kRoles, name); }
QString StateName(MessageState state) { return NameOf(kStates, state); }
std::optional<MessageState> StateFromName(const QString& name) { return Lookup(kStates, name); }
QString TitleSourceName(TitleSource source) { return NameOf(kTitleSources, source); }
std::optional<TitleSource> TitleSourceFromName(const QString& name) { return Lookup(kTitleSources, name); }

}  // namespace gemma
