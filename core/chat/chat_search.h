// Full-text search across all conversations: titles and message text, through the FTS5 trigram indexes of
// schema v2. Terms of 3+ characters use the index (ranked by bm25); shorter terms, which trigram cannot
// index (Korean words are often two syllables: 사랑, 한국), are matched with LIKE on the same rows.
#pragma once

#include <QList>
#include <QSet>
#include <QSqlDatabase>
#include <QString>

namespace gemma {

struct SearchHit {
  qint64 conversation_id = 0;
  qint64 message_id = 0;  // 0: the title matched
  QString conversation_title;
  QString snippet_text;   // plain text around the match, "…" where cut
  QString snippet_html;   // the same, HTML-escaped, matches in <b></b> (for a QML StyledText)
  double rank = 0;        // lower is better within one kind (title hits come before message hits)
};

// Words of query (split on white space; double quotes are treated as characters). Empty query: no hits.
// exclude: conversations to leave out (pending delete). Throws DbError.
QList<SearchHit> SearchConversations(QSqlDatabase& db, const QString& query, int limit,
                                     const QSet<qint64>& exclude = {});

}  // namespace gemma
