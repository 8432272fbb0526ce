#include "plots/RedrawThrottle.h"
#include "plots/QcpInclude.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QtTest>

using parity::gui::RedrawThrottle;

class RedrawThrottleTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void burstIsOneRedraw();
    void rateIsBounded_data();
    void rateIsBounded();
    void hiddenPlotWaitsUntilShown();
    void flushRedrawsAtOnce();
    void aboutToRedrawComesFirst();
};

void RedrawThrottleTest::burstIsOneRedraw()
{
    QCustomPlot plot;
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    RedrawThrottle throttle(&plot);
    for (int i = 0; i < 2000; ++i)
        throttle.request();
    QCOMPARE(throttle.redrawCount(), 0); // nothing happens before the event loop runs
    QTRY_COMPARE_WITH_TIMEOUT(throttle.redrawCount(), 1, 1000);
    QTest::qWait(150);
    QCOMPARE(throttle.redrawCount(), 1);
    QVERIFY(!throttle.isPending());
}

void RedrawThrottleTest::rateIsBounded_data()
{
    QTest::addColumn<int>("intervalMs");
    QTest::newRow("default 40 ms") << RedrawThrottle::kDefaultIntervalMs;
    QTest::newRow("100 ms") << 100;
}

void RedrawThrottleTest::rateIsBounded()
{
    QFETCH(int, intervalMs);
    QCustomPlot plot;
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    RedrawThrottle throttle(&plot);
    throttle.setInterval(intervalMs);
    // A producer that never pauses, with the event loop turning in between.
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 500) {
        throttle.request();
        QCoreApplication::processEvents();
    }
    const double seconds = clock.elapsed() / 1000.0;
    const int maxRedraws = int(seconds * 1000.0 / intervalMs) + 2;
    QVERIFY2(throttle.redrawCount() <= maxRedraws,
             qPrintable(QStringLiteral("%1 redraws > %2").arg(throttle.redrawCount()).arg(maxRedraws)));
    QVERIFY2(throttle.redrawCount() >= 2, "a steady stream of requests must still redraw repeatedly");
}

void RedrawThrottleTest::hiddenPlotWaitsUntilShown()
{
    QCustomPlot plot;
    RedrawThrottle throttle(&plot);
    throttle.request();
    QTest::qWait(150);
    QCOMPARE(throttle.redrawCount(), 0);
    QVERIFY(throttle.isPending());
    plot.show();
    QTRY_COMPARE_WITH_TIMEOUT(throttle.redrawCount(), 1, 1000);
}

void RedrawThrottleTest::flushRedrawsAtOnce()
{
    QCustomPlot plot;
    RedrawThrottle throttle(&plot);
    throttle.flush();
    QCOMPARE(throttle.redrawCount(), 0); // nothing pending, nothing to do
    throttle.request();
    throttle.flush();
    QCOMPARE(throttle.redrawCount(), 1);
    QVERIFY(!throttle.isPending());
}

void RedrawThrottleTest::aboutToRedrawComesFirst()
{
    QCustomPlot plot;
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    RedrawThrottle throttle(&plot);
    QStringList order;
    connect(&throttle, &RedrawThrottle::aboutToRedraw, this, [&] { order << "about"; });
    connect(&throttle, &RedrawThrottle::redrawn, this, [&] { order << "redrawn"; });
    throttle.request();
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 2, 1000);
    QCOMPARE(order, (QStringList{"about", "redrawn"}));
}

QTEST_MAIN(RedrawThrottleTest)
#include "RedrawThrottleTest.moc"
