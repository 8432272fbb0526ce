#include "common/RunRecord.h"

#include "events/MetricNames.h"

#include <QFileInfo>
#include <QJsonDocument>

#include <algorithm>
#include <set>

namespace parity::gui {

QString RunRecord::displayName() const
{
    // The run's short title (k, coders, loss), else its header, else its
    // folder; an earlier run kept in previous-* says so (issue 13, item 12).
    QString name = !title.isEmpty() ? title : header.isEmpty() ? QFileInfo(runDir).fileName() : header;
    const QString folder = QFileInfo(runDir).fileName();
    if (folder.startsWith(QLatin1String(parity::runfiles::kPreviousPrefix)))
        name += QStringLiteral(" (%1)").arg(folder);
    return name;
}

void RunRecord::deriveTitle()
{
    // Parsed once here, not on every paint of a list or legend.
    title.clear();
    if (config.isEmpty())
        return;
    try {
        const auto json = nlohmann::json::parse(QJsonDocument(config).toJson().toStdString());
        title = QString::fromStdString(parity::RunConfig::fromJson(json).shortTitle());
    } catch (const std::exception&) {
        // Only the identity from the path (the original's layout): the header names it.
    }
}

std::vector<int> RunRecord::erasedCounts() const
{
    std::set<int> counts;
    for (const auto& epoch : epochs)
        for (const auto& [split, metrics] : epoch.splits)
            for (const auto& [key, value] : metrics.accuracy)
                counts.insert(parity::splitErasedMetricName(key).second);
    if (counts.empty())
        counts.insert(1);
    return {counts.begin(), counts.end()};
}

QStringList RunRecord::accuracyMetricNames() const
{
    // Keys look like "<kind>_top<n>"; order by n, reconstruction before overall.
    std::set<std::pair<int, int>> keys; // (n, 0 = reconstruction / 1 = overall)
    std::set<std::string> others;
    for (const auto& epoch : epochs)
        for (const auto& [split, metrics] : epoch.splits)
            for (const auto& [key, value] : metrics.accuracy) {
                const std::string name = parity::splitErasedMetricName(key).first;
                const auto pos = name.rfind("_top");
                const std::string kind = pos == std::string::npos ? std::string() : name.substr(0, pos);
                const int n = pos == std::string::npos ? 0 : std::atoi(name.c_str() + pos + 4);
                if (n > 0 && kind == "reconstruction")
                    keys.insert({n, 0});
                else if (n > 0 && kind == "overall")
                    keys.insert({n, 1});
                else
                    others.insert(name);
            }
    QStringList names;
    for (const auto& [n, kind] : keys)
        names << QStringLiteral("%1_top%2")
                     .arg(kind == 0 ? QStringLiteral("reconstruction") : QStringLiteral("overall"))
                     .arg(n);
    for (const auto& name : others)
        names << QString::fromStdString(name);
    return names;
}

QStringList RunRecord::splitNames() const
{
    static const QStringList kOrder = {QStringLiteral("train"), QStringLiteral("val"), QStringLiteral("test")};
    std::set<QString> present;
    for (const auto& epoch : epochs)
        for (const auto& entry : epoch.splits)
            present.insert(QString::fromStdString(entry.first));
    QStringList names;
    for (const auto& split : kOrder)
        if (present.count(split))
            names << split;
    for (const auto& split : present)
        if (!kOrder.contains(split))
            names << split;
    return names;
}

} // namespace parity::gui
