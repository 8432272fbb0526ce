// How long the workbench's event loop takes to handle a click and a resize
// while a run trains on the worker thread (issue 3: within 50 ms).
//
//   build/bench/parity_bench_gui_latency [--epochs 3] [--config FILE] [--interval-ms 20]
//
// Opens the default experiment (real Fashion-MNIST) in the main window, starts
// it, and every interval posts a probe to the GUI thread that clicks a button
// (switches the tab) and resizes the window. The latency of a probe is from
// posting to the end of its handling, so it includes any wait behind plot
// redraws and the flood of batch events. Prints median, 95th percentile and
// maximum, and the number of batch events the GUI received meanwhile.
#include "BenchArgs.h"
#include "MainWindow.h"
#include "RunController.h"
#include "RunPanel.h"
#include "form/ExperimentForm.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QPushButton>
#include <QTabWidget>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

int main(int argc, char** argv)
{
    const parity::bench::BenchArgs args(argc, argv, "[--epochs N] [--config FILE] [--interval-ms MS]");
    const int epochs = args.integer("--epochs", 3, 1);
    const int intervalMs = args.integer("--interval-ms", 20, 1);
    const QString config = QString::fromStdString(
        args.text("--config", PARITY_BENCH_SOURCE_DIR "/config/fashion-mnist-default.json"));
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ParityWorkbenchBench"));
    parity::gui::MainWindow window;
    window.setInteractive(false);
    window.show();
    if (!window.openConfig(config))
        return 1;
    auto c = window.runPanel()->form()->config();
    c.numEpochs = epochs;
    c.saveDir = QDir::tempPath().toStdString() + "/parity-bench-gui-latency";
    window.runPanel()->form()->setConfig(c);

    auto* controller = window.controller();
    long batches = 0;
    QObject::connect(controller, &parity::gui::RunController::batchFinished, [&batches] { ++batches; });
    std::vector<double> latencies;
    std::vector<double> waits; // posting -> start of handling
    QElapsedTimer clock;
    clock.start();
    bool training = false;
    QObject::connect(controller, &parity::gui::RunController::epochFinished, [&training] { training = true; });
    QObject::connect(controller, &parity::gui::RunController::batchFinished, [&training] { training = true; });

    QTimer probe;
    probe.setInterval(intervalMs);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        if (!training)
            return; // measure while batches flow, not during data preparation
        const qint64 posted = clock.nsecsElapsed();
        QMetaObject::invokeMethod(
            &window,
            [&, posted] {
                waits.push_back(double(clock.nsecsElapsed() - posted) / 1e6);
                QTabWidget* tabs = window.tabs();
                tabs->setCurrentIndex(tabs->currentIndex() == 0 ? 2 : 0); // a click on a tab
                tabs->setCurrentIndex(0);
                const QSize s = window.size();
                window.resize(s.width() + (latencies.size() % 2 ? -7 : 7), s.height());
                QApplication::sendPostedEvents(&window, QEvent::Resize);
                latencies.push_back(double(clock.nsecsElapsed() - posted) / 1e6);
            },
            Qt::QueuedConnection);
    });
    QObject::connect(controller, &parity::gui::RunController::queueFinished, [&](bool ok) {
        probe.stop();
        std::sort(latencies.begin(), latencies.end());
        std::sort(waits.begin(), waits.end());
        auto pct = [&](double q) {
            return latencies.empty() ? 0.0 : latencies[size_t(q * double(latencies.size() - 1))];
        };
        auto waitPct = [&](double q) { return waits.empty() ? 0.0 : waits[size_t(q * double(waits.size() - 1))]; };
        std::printf("run %s; %ld batch events reached the GUI\n", ok ? "finished" : "FAILED", batches);
        std::printf("event-loop latency over %zu probes (click + resize, every %d ms): median %.2f ms, "
                    "p95 %.2f ms, max %.2f ms\n",
                    latencies.size(), intervalMs, pct(0.5), pct(0.95), latencies.empty() ? 0.0 : latencies.back());
        std::printf("of which waiting in the queue: median %.2f ms, p95 %.2f ms, max %.2f ms; run took %.1f s\n",
                    waitPct(0.5), waitPct(0.95), waits.empty() ? 0.0 : waits.back(),
                    double(clock.nsecsElapsed()) / 1e9);
        QCoreApplication::exit(ok ? 0 : 1);
    });
    probe.start();
    if (!window.runPanel()->start())
        return 1;
    return app.exec();
}
