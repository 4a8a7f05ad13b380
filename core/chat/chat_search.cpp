// FTS5 queries for the search box, with a LIKE fallback for terms too short for the trigram index.
#include "core/chat/chat_search.h"

#include <QRegularExpression>
#include <QSqlQuery>
#include <QStringList>

#include "core/chat/sql_util.h"

namespace gemma {
namespace {

// snippet() marks matches with these private-use characters; they are turned into <b> after escaping, so
// nothing the user wrote can inject markup.
const QChar kOpenMark(0xE000);
const QChar kCloseMark(0xE001);
constexpr int kSnippetTokens = 48;  // trigram tokens ~ characters
constexpr int kFallbackContext = 40;

struct ParsedQuery {
  QStringList indexed;  // 3+ characters: FTS phrases
  QStringList short_terms;
};

int CodePoints(const QString& s) { return static_cast<int>(s.toUcs4().size()); }

ParsedQuery Parse(const QString& query) {
  ParsedQuery parsed;
  static const QRegularExpression kSpace(QStringLiteral("\\s+"));
  for (const QString& term : query.split(kSpace, Qt::SkipEmptyParts)) {
    (CodePoints(term) >= 3 ? parsed.indexed : parsed.short_terms).append(term);
  }
  return parsed;
}

QString FtsPhrase(const QString& term) {
  QString escaped = term;
  escaped.replace(QLatin1Char('"'), QStringLiteral("\"\""));
  return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString LikePattern(const QString& term) {
  QString escaped = term;
  escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
  escaped.replace(QLatin1Char('%'), QStringLiteral("\\%"));
  escaped.replace(QLatin1Char('_'), QStringLiteral("\\_"));
  return QLatin1Char('%') + escaped + QLatin1Char('%');
}

QString ExcludeClause(const QString& column, const QSet<qint64>& exclude) {
  if (exclude.isEmpty()) return {};
  QStringList ids;
  for (qint64 id : exclude) ids.append(QString::number(id));  // integers only: no injection possible
  return QStringLiteral(" AND %1 NOT IN (%2)").arg(column, ids.join(QLatin1Char(',')));
}

QString HtmlFromMarked(const QString& marked) {
  QString html = marked.toHtmlEscaped();
  html.replace(kOpenMark, QStringLiteral("<b>"));
  html.replace(kCloseMark, QStringLiteral("</b>"));
  return html;
}

QString Unmarked(QString marked) {
  marked.remove(kOpenMark);
  marked.remove(kCloseMark);
  return marked;
}

// A snippet for rows found by LIKE only: context around the first match of the first term, marked.
QString MarkedSnippet(const QString& text, const QStringList& terms) {
  const QString needle = terms.value(0);
  const qsizetype at = text.indexOf(needle, 0, Qt::CaseInsensitive);
  if (at < 0) return text.left(2 * kFallbackContext);
  const qsizetype start = std::max<qsizetype>(0, at - kFallbackContext);
  const qsizetype end = std::min<qsizetype>(text.size(), at + needle.size() + kFallbackContext);
  QString snippet = text.mid(start, at - start) + kOpenMark + text.mid(at, needle.size()) + kCloseMark +
                    text.mid(at + needle.size(), end - at - needle.size());
  if (start > 0) snippet.prepend(QStringLiteral("…"));
  if (end < text.size()) snippet.append(QStringLiteral("…"));
  return snippet;
}

// One search over either titles or messages. fts: the FTS table; source: the content table alias columns.
QList<SearchHit> Run(QSqlDatabase& db, const ParsedQuery& parsed, bool titles, int limit,
                     const QSet<qint64>& exclude) {
  const QString text_column = titles ? QStringLiteral("c.title") : QStringLiteral("m.text");
  QVariantList bindings;
  QString sql;
  const bool use_index = !parsed.indexed.isEmpty();
  const QString marks = QStringLiteral("char(%1), char(%2), '…', %3")
                            .arg(kOpenMark.unicode())
                            .arg(kCloseMark.unicode())
                            .arg(kSnippetTokens);
  if (titles) {
    sql = use_index ? QStringLiteral("SELECT c.id, 0, c.title, snippet(conversations_fts, 0, %1), "
                                     "bm25(conversations_fts) AS rank FROM conversations_fts "
                                     "JOIN conversations c ON c.id = conversations_fts.rowid "
                                     "WHERE conversations_fts MATCH ?")
                          .arg(marks)
                    : QStringLiteral("SELECT c.id, 0, c.title, c.title, 0 AS rank FROM conversations c WHERE 1");
  } else {
    sql = use_index ? QStringLiteral("SELECT m.conversation_id, m.id, c.title, snippet(messages_fts, 0, %1), "
                                     "bm25(messages_fts) AS rank FROM messages_fts "
                                     "JOIN messages m ON m.id = messages_fts.rowid "
                                     "JOIN conversations c ON c.id = m.conversation_id "
                                     "WHERE messages_fts MATCH ?")
                          .arg(marks)
                    : QStringLiteral("SELECT m.conversation_id, m.id, c.title, m.text, 0 AS rank FROM messages m "
                                     "JOIN conversations c ON c.id = m.conversation_id WHERE 1");
  }
  if (use_index) {
    QStringList phrases;
    for (const QString& term : parsed.indexed) phrases.append(FtsPhrase(term));
    bindings.append(phrases.join(QStringLiteral(" AND ")));
  }
  for (const QString& term : parsed.short_terms) {
    sql += QStringLiteral(" AND %1 LIKE ? ESCAPE '\\'").arg(text_column);
    bindings.append(LikePattern(term));
  }
  sql += ExcludeClause(titles ? QStringLiteral("c.id") : QStringLiteral("m.conversation_id"), exclude);
  // Without the index there is no relevance: newest first is what a person looking back expects.
  sql += use_index ? QStringLiteral(" ORDER BY rank, 1 DESC LIMIT ?")
                   : (titles ? QStringLiteral(" ORDER BY c.updated DESC LIMIT ?")
                             : QStringLiteral(" ORDER BY m.id DESC LIMIT ?"));
  bindings.append(limit);

  QSqlQuery q = Exec(db, sql, bindings);
  QList<SearchHit> hits;
  while (q.next()) {
    SearchHit hit;
    hit.conversation_id = q.value(0).toLongLong();
    hit.message_id = q.value(1).toLongLong();
    hit.conversation_title = q.value(2).toString();
    const QString marked = use_index ? q.value(3).toString() : MarkedSnippet(q.value(3).toString(),
                                                                            parsed.short_terms);
    hit.snippet_text = Unmarked(marked);
    hit.snippet_html = HtmlFromMarked(marked);
    hit.rank = q.value(4).toDouble();
    hits.append(hit);
  }
  ThrowIfError(q.lastError(), QStringLiteral("searching"));
  return hits;
}

}  // namespace

QList<SearchHit> SearchConversations(QSqlDatabase& db, const QString& query, int limit,
                                     const QSet<qint64>& exclude) {
  const ParsedQuery parsed = Parse(query);
  if (limit <= 0 || (parsed.indexed.isEmpty() && parsed.short_terms.isEmpty())) return {};
  QList<SearchHit> hits = Run(db, parsed, /*titles=*/true, limit, exclude);
  if (hits.size() < limit) hits += Run(db, parsed, /*titles=*/false, limit - static_cast<int>(hits.size()), exclude);
  return hits;
}

}  // namespace gemma
