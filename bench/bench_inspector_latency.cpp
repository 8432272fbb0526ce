// How long the GUI thread waits while the reconstruction inspector evaluates
// groups of a ResNet-18 parity model.
//
//   build/bench/parity_bench_inspector_latency [--requests 40] [--interval-ms 150] [--probe-ms 10]
//
// Trains a 1-epoch ResNet-18 parity model (k = 2, batch 64) on generated
// MNIST-format data (its base model too), opens its checkpoint in an
// InspectorView and asks for a random test group every interval. Meanwhile a
// probe posted to the GUI thread every few ms measures how long the event
// loop takes to get to it. Prints the time one group takes to show (the
// minibatch of 64 groups the inspector evaluates: what a click cost the GUI
// thread when evaluation ran on it) and the probes' median, 95th percentile
// and maximum.
#include "BenchArgs.h"
#include "BenchStats.h"
#include "support/TinyDataset.h"

#include "config/SweepConfig.h"
#include "inspector/InspectorView.h"
#include "training/Trainer.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <vector>

int main(int argc, char** argv)
{
    const parity::bench::BenchArgs args(argc, argv, "[--requests N] [--interval-ms MS] [--probe-ms MS]");
    const int requests = args.integer("--requests", 40, 1);
    const int intervalMs = args.integer("--interval-ms", 150, 1);
    const int probeMs = args.integer("--probe-ms", 10, 1);
    QApplication app(argc, argv);
    QTemporaryDir tmp;
    if (!tmp.isValid())
        return 1;
    const std::string dir = tmp.path().toStdString();

    std::string checkpoint;
    try {
        parity::test::writeTinyMnist(dir + "/data", 600, 600);
        nlohmann::json j = parity::test::tinyMnistSweep(dir + "/data", dir + "/save", 1);
        j["models"] = {"resnet18"};
        j["base_weights"] = "train";
        j["base_train_epochs"] = 1;
        j["models_dir"] = dir + "/models";
        j["batch_size"] = 64;
        j["val_size"] = 128;
        const parity::RunConfig config = parity::SweepConfig::fromJson(j, "bench").runs().front();
        std::printf("training %s for 1 epoch...\n", config.header().c_str());
        std::fflush(stdout);
        parity::Trainer(config, {}).run();
        checkpoint = config.runDir() + "/current.pth";
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }

    parity::gui::InspectorView view;
    view.resize(1200, 900);
    view.show();
    QElapsedTimer clock;
    clock.start();
    std::vector<double> probes; // posting -> handled, ms
    std::vector<double> shows;  // showGroup() -> groupShown, ms
    qint64 askedAt = -1;
    int asked = 0;
    bool measuring = false;

    QTimer probe;
    probe.setInterval(probeMs);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        if (!measuring)
            return;
        const qint64 posted = clock.nsecsElapsed();
        QMetaObject::invokeMethod(
            &view, [&, posted] { probes.push_back(double(clock.nsecsElapsed() - posted) / 1e6); },
            Qt::QueuedConnection);
    });
    QTimer ask;
    ask.setInterval(intervalMs);
    QObject::connect(&ask, &QTimer::timeout, [&] {
        if (view.isEvaluating())
            return; // one at a time, so each figure is one evaluation
        if (asked == requests) {
            ask.stop();
            probe.stop();
            measuring = false;
            QTimer::singleShot(100, &app, [] { QCoreApplication::exit(0); });
            return;
        }
        ++asked;
        askedAt = clock.nsecsElapsed();
        view.showGroup(QStringLiteral("test"), qint64(QRandomGenerator::global()->bounded(300)));
    });
    QObject::connect(&view, &parity::gui::InspectorView::groupShown, [&] {
        if (askedAt >= 0)
            shows.push_back(double(clock.nsecsElapsed() - askedAt) / 1e6);
        askedAt = -1;
    });
    QObject::connect(&view, &parity::gui::InspectorView::failed, [&](const QString& message) {
        std::fprintf(stderr, "error: %s\n", qPrintable(message));
        QCoreApplication::exit(1);
    });
    QObject::connect(&view, &parity::gui::InspectorView::loaded, [&] {
        // Group 0 shows first; then the measured requests.
        QTimer::singleShot(500, &app, [&] {
            measuring = true;
            probe.start();
            ask.start();
        });
    });
    view.openCheckpoint(QString::fromStdString(checkpoint));
    const int rc = app.exec();
    if (rc != 0)
        return rc;

    std::sort(probes.begin(), probes.end());
    auto pct = [&](double q) { return probes.empty() ? 0.0 : probes[size_t(q * double(probes.size() - 1))]; };
    std::printf("a group takes %.1f ms to show (median of %zu; ResNet-18, a minibatch of 64 groups of 2)\n",
                parity::bench::median(shows), shows.size());
    std::printf("GUI thread meanwhile, %zu probes every %d ms: median %.2f ms, p95 %.2f ms, max %.2f ms\n",
                probes.size(), probeMs, pct(0.5), pct(0.95), probes.empty() ? 0.0 : probes.back());
    return 0;
}
