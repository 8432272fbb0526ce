#pragma once
#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace parity::gui {

/// Runs `work` on the global thread pool and hands its result to `done` on
/// the GUI thread, unless `owner` is gone by then.
template <typename T, typename Work, typename Done>
void runAsync(QObject* owner, Work work, Done done)
{
    auto* watcher = new QFutureWatcher<T>(owner);
    QObject::connect(watcher, &QFutureWatcher<T>::finished, owner, [watcher, done]() {
        done(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

} // namespace parity::gui
