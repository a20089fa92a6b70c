package dev.specula.cli.alignment;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/** The report's PNG plots, drawn with JFreeChart without a display. */
public final class ReportCharts {

    /** The plots' file names, relative to the report's folder. */
    public record Files(String greedy, String sampled, String speedup) {
    }

    /** Light and dark of one hue per method: general light, specialised dark. In {@link DrafterColumn} order. */
    private static final Color[] COLUMN_COLORS = {
            new Color(0x9ecae1), new Color(0xfdae6b), new Color(0x2171b5), new Color(0xd94801)};

    private ReportCharts() {
    }

    /** Writes the plots into {@code folder}. */
    public static Files write(AlignmentReport report, Path folder) throws IOException {
        System.setProperty("java.awt.headless", "true"); // before the first AWT class initialises
        Files files = new Files("acceptance-greedy.png", "acceptance-sampled.png", "speedup.png");
        int width = Math.max(720, 48 * report.languages().size() + 240);
        save(acceptance(report, LanguageResult::greedy, "Greedy acceptance rate (T = 0, k = " + report.options().k() + ")"),
                folder.resolve(files.greedy()), width);
        save(acceptance(report, LanguageResult::sampled, "Acceptance rate at T = " + report.options().temperature()
                + " (k = " + report.options().k() + ")"), folder.resolve(files.sampled()), width);
        save(speedup(report), folder.resolve(files.speedup()), width);
        return files;
    }

    /** Grouped bars per language: general against specialised drafter, per method. */
    private static JFreeChart acceptance(AlignmentReport report,
                                         Function<LanguageResult, Map<DrafterColumn, AcceptanceStats>> setting,
                                         String title) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (LanguageResult r : report.languages()) {
            for (DrafterColumn column : DrafterColumn.values()) {
                AcceptanceStats s = setting.apply(r).get(column);
                data.addValue(s == null || s.generations() == 0 ? null : s.acceptanceRate(), column.header(), r.language());
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(title, "language", "accepted / drafted", data,
                PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.getRangeAxis().setRange(0, 1.05);
        BarRenderer renderer = style(plot);
        for (int i = 0; i < COLUMN_COLORS.length; i++) {
            renderer.setSeriesPaint(i, COLUMN_COLORS[i]);
        }
        return chart;
    }

    /** Speculative over target-only tokens/s per language, with a line at 1× (break-even). */
    private static JFreeChart speedup(AlignmentReport report) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (LanguageResult r : report.languages()) {
            data.addValue(r.speed().map(SpeedComparison::speedup).orElse(null), "speedup, best drafter", r.language());
        }
        JFreeChart chart = ChartFactory.createBarChart("Greedy speedup, best drafter per language",
                "language", "speculative ÷ target-only tok/s", data, PlotOrientation.VERTICAL, false,
                false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = style(plot);
        renderer.setSeriesPaint(0, COLUMN_COLORS[2]);
        renderer.setMaximumBarWidth(0.08);
        ValueMarker breakEven = new ValueMarker(1.0, Color.DARK_GRAY, new BasicStroke(1.5f));
        plot.addRangeMarker(breakEven);
        double highest = report.languages().stream().flatMap(r -> r.speed().stream())
                .mapToDouble(SpeedComparison::speedup).max().orElse(1);
        plot.getRangeAxis().setRange(0, Math.max(1.2, highest * 1.1)); // the break-even line always shows
        return chart;
    }

    private static BarRenderer style(CategoryPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.02);
        return renderer;
    }

    private static void save(JFreeChart chart, Path file, int width) throws IOException {
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, width, 420);
    }
}
