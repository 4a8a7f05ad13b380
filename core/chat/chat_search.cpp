// FTS5 queries for the search box, with a LIKE fallback for terms too short for the trigram index.
#include "core/chat/chat_search.h"

#include <QRegularExpression>
#include <QSqlQuery>
#include <QStringList>
#include <cmath>

#include "core/chat/sql_util.h"

namespace gemma {
namespace {

// Matches are marked with these private-use characters, turned into <b> after escaping, so nothing the
// user wrote can inject markup.
const QChar kOpenMark(0xE000);
const QChar kCloseMark(0xE001);
constexpr int kFallbackContext = 40;
// Message ranking reads at most this many matches, newest first (see RankMessages).
constexpr int kMaxCandidates = 1000;
// Document frequencies are counted up to this many matches (enough to tell rare from common).
constexpr int kDocumentFrequencyCap = 5000;

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

// Context around the first match of the first term that occurs, with every term occurrence in it marked.
QString MarkedSnippet(const QString& text, const QStringList& terms) {
  qsizetype at = -1;
  for (const QString& term : terms) {
    at = text.indexOf(term, 0, Qt::CaseInsensitive);
    if (at >= 0) break;
  }
  if (at < 0) at = 0;
  qsizetype start = std::max<qsizetype>(0, at - kFallbackContext);
  qsizetype end = std::min<qsizetype>(text.size(), at + 2 * kFallbackContext);
  // Never cut a surrogate pair in half.
  if (start > 0 && text[start].isLowSurrogate()) --start;
  if (end < text.size() && text[end].isLowSurrogate()) ++end;
  const QString window = text.mid(start, end - start);
  QString marked;
  for (qsizetype i = 0; i < window.size();) {
    qsizetype matched = 0;
    for (const QString& term : terms) {
      if (!term.isEmpty() && window.mid(i, term.size()).compare(term, Qt::CaseInsensitive) == 0) {
        matched = term.size();
        break;
      }
    }
    if (matched > 0) {
      marked += kOpenMark + window.mid(i, matched) + kCloseMark;
      i += matched;
    } else {
      marked += window[i++];
    }
  }
  if (start > 0) marked.prepend(QStringLiteral("…"));
  if (end < text.size()) marked.append(QStringLiteral("…"));
  return marked;
}

qsizetype CountOccurrences(const QString& text, const QString& term) {
  qsizetype count = 0;
  for (qsizetype at = text.indexOf(term, 0, Qt::CaseInsensitive); at >= 0;
       at = text.indexOf(term, at + term.size(), Qt::CaseInsensitive)) {
    ++count;
  }
  return count;
}

// Messages matching an indexed query, ranked by BM25 computed here rather than by FTS5's bm25(): that one
// counts every match of every phrase for its IDF, ~0.15 s for a word in half of 200,000 messages. Here the
// newest kMaxCandidates matches are ranked, with document frequencies counted up to a cap: exact for all
// but very common queries, whose best matches are then taken from the recent ones. tf = occurrences of the
// term in the text (substring, as trigram matches), length in characters.
QList<SearchHit> RankMessages(QSqlDatabase& db, const ParsedQuery& parsed, const QString& match, int limit,
                              const QSet<qint64>& exclude) {
  QVariantList bindings{match};
  QString sql = QStringLiteral("SELECT m.conversation_id, m.id, c.title, m.text FROM messages_fts "
                               "JOIN messages m ON m.id = messages_fts.rowid "
                               "JOIN conversations c ON c.id = m.conversation_id WHERE messages_fts MATCH ?");
  for (const QString& term : parsed.short_terms) {
    sql += QStringLiteral(" AND m.text LIKE ? ESCAPE '\\'");
    bindings.append(LikePattern(term));
  }
  sql += ExcludeClause(QStringLiteral("m.conversation_id"), exclude);
  sql += QStringLiteral(" ORDER BY messages_fts.rowid DESC LIMIT %1").arg(kMaxCandidates);
  QSqlQuery q = Exec(db, sql, bindings);
  QList<SearchHit> candidates;
  QStringList texts;
  while (q.next()) {
    SearchHit hit;
    hit.conversation_id = q.value(0).toLongLong();
    hit.message_id = q.value(1).toLongLong();
    hit.conversation_title = q.value(2).toString();
    candidates.append(hit);
    texts.append(q.value(3).toString());
  }
  ThrowIfError(q.lastError(), QStringLiteral("searching"));
  if (candidates.isEmpty()) return {};

  const double total = std::max(1.0, QueryValue(db, QStringLiteral("SELECT max(id) FROM messages")).toDouble());
  const QStringList terms = parsed.indexed + parsed.short_terms;
  QList<double> idf;
  for (const QString& term : terms) {
    double frequency = 1;  // short terms: not countable through the index; weigh them as rare-ish
    if (parsed.indexed.contains(term)) {
      frequency = QueryValue(db,
                             QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM messages_fts WHERE messages_fts "
                                            "MATCH ? LIMIT %1)")
                                 .arg(kDocumentFrequencyCap),
                             {FtsPhrase(term)})
                      .toDouble();
    }
    idf.append(std::log((total - frequency + 0.5) / (frequency + 0.5) + 1.0));
  }
  double average_length = 0;
  for (const QString& text : texts) average_length += text.size();
  average_length = std::max(1.0, average_length / texts.size());
  constexpr double kK1 = 1.2, kB = 0.75;
  QList<std::pair<double, int>> scored;  // (score, candidate index)
  for (int i = 0; i < candidates.size(); ++i) {
    double score = 0;
    const double norm = kK1 * (1 - kB + kB * texts[i].size() / average_length);
    for (int t = 0; t < terms.size(); ++t) {
      const double tf = static_cast<double>(CountOccurrences(texts[i], terms[t]));
      score += idf[t] * tf * (kK1 + 1) / (tf + norm);
    }
    scored.append({score, i});
  }
  // Best first; equal scores: newest first (candidates are newest first, and the sort is stable).
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  QList<SearchHit> hits;
  for (int k = 0; k < scored.size() && k < limit; ++k) {
    SearchHit hit = candidates[scored[k].second];
    const QString marked = MarkedSnippet(texts[scored[k].second], terms);
    hit.snippet_text = Unmarked(marked);
    hit.snippet_html = HtmlFromMarked(marked);
    hit.rank = -scored[k].first;  // lower is better, as with FTS5's bm25()
    hits.append(hit);
  }
  return hits;
}

// One search over either titles or messages. fts: the FTS table; source: the content table alias columns.
QList<SearchHit> Run(QSqlDatabase& db, const ParsedQuery& parsed, bool titles, int limit,
                     const QSet<qint64>& exclude) {
  const QString text_column = titles ? QStringLiteral("c.title") : QStringLiteral("m.text");
  QVariantList bindings;
  QString sql;
  const bool use_index = !parsed.indexed.isEmpty();
  QStringList phrases;
  for (const QString& term : parsed.indexed) phrases.append(FtsPhrase(term));
  const QString match = phrases.join(QStringLiteral(" AND "));
  if (!titles && use_index) return RankMessages(db, parsed, match, limit, exclude);
  if (titles) {
    sql = use_index ? QStringLiteral("SELECT c.id, 0, c.title, c.title, bm25(conversations_fts) AS rank "
                                     "FROM conversations_fts JOIN conversations c ON c.id = conversations_fts.rowid "
                                     "WHERE conversations_fts MATCH ?")
                    : QStringLiteral("SELECT c.id, 0, c.title, c.title, 0 AS rank FROM conversations c WHERE 1");
  } else {
    sql = QStringLiteral("SELECT m.conversation_id, m.id, c.title, m.text, 0 AS rank FROM messages m "
                         "JOIN conversations c ON c.id = m.conversation_id WHERE 1");
  }
  if (use_index) bindings.append(match);
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
    // Snippets are made here for the few rows returned (snippet() in SQL would run for every match).
    const QString marked = MarkedSnippet(q.value(3).toString(), parsed.indexed + parsed.short_terms);
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
