package io.starling.mqtt.benchmarks.runner;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Grouped bar charts drawn with java.awt into PNG files (headless), with a linear or a log10 value axis. */
final class Charts {
    private static final int WIDTH = 1100;
    private static final int HEIGHT = 520;
    private static final int LEFT = 90;
    private static final int RIGHT = 20;
    private static final int TOP = 50;
    private static final int BOTTOM = 95;

    /** One bar per group; NaN or non-positive values (on a log axis) draw no bar. */
    record Series(String name, Color color, double[] values) {}

    private Charts() {}

    static Color color(Target t) {
        return switch (t) {
            case STARLING -> new Color(230, 120, 0);
            case STARLING_DURABLE -> new Color(165, 70, 0);
            case STARLING_PERIODIC -> new Color(245, 175, 90);
            case STARLING_LATENCY -> new Color(200, 40, 40);
            case HIVEMQ -> new Color(60, 110, 190);
            case HIVEMQ_PERSISTENT -> new Color(30, 60, 120);
            case MOQUETTE -> new Color(110, 165, 55);
            case MOSQUITTO -> new Color(150, 80, 160);
            case MOSQUITTO_PERSISTENT -> new Color(90, 40, 100);
            case CEILING -> new Color(150, 150, 150);
        };
    }

    static void bars(Path file, String title, String axis, String[] groups, List<Series> series, boolean log)
            throws IOException {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);

        double max = 0;
        double min = Double.MAX_VALUE;
        for (Series s : series) {
            for (double v : s.values()) {
                if (v > 0 && !Double.isNaN(v) && !Double.isInfinite(v)) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
        }
        if (max == 0) {
            max = 1;
            min = 1;
        }
        double lo = log ? Math.floor(Math.log10(min)) : 0;
        double hi = log ? Math.max(lo + 1, Math.ceil(Math.log10(max) + 0.15)) : niceCeiling(max * 1.1);
        int plotH = HEIGHT - TOP - BOTTOM;
        int plotW = WIDTH - LEFT - RIGHT;

        valueAxis(g, lo, hi, log, axis);

        // bars
        int groupW = plotW / Math.max(1, groups.length);
        int barW = Math.max(4, (groupW - 16) / Math.max(1, series.size()));
        Font valueFont = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
        for (int gi = 0; gi < groups.length; gi++) {
            int x0 = LEFT + gi * groupW + (groupW - barW * series.size()) / 2;
            for (int si = 0; si < series.size(); si++) {
                double v = series.get(si).values()[gi];
                if (Double.isNaN(v) || v <= 0 && log) {
                    continue;
                }
                double frac = log ? (Math.log10(v) - lo) / (hi - lo) : v / hi;
                int h = (int) Math.round(plotH * Math.max(0, Math.min(1, frac)));
                int x = x0 + si * barW;
                g.setColor(series.get(si).color());
                g.fillRect(x + 1, TOP + plotH - h, barW - 2, h);
                g.setColor(Color.DARK_GRAY);
                g.setFont(valueFont);
                String label = format(v);
                AffineTransform t = g.getTransform();
                g.translate(x + barW / 2 + 4, TOP + plotH - h - 3);
                g.rotate(-Math.PI / 2);
                g.drawString(label, 0, 0);
                g.setTransform(t);
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics gm = g.getFontMetrics();
            g.drawString(groups[gi], LEFT + gi * groupW + (groupW - gm.stringWidth(groups[gi])) / 2, TOP + plotH + 18);
        }

        legend(g, series.stream().map(Series::name).toList(), series.stream().map(Series::color).toList(), false,
                HEIGHT - 30);
        g.setStroke(new BasicStroke(1));
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /** One line of a line chart: points (x[i], y[i]); NaN y values break the line. */
    record Line(String name, Color color, double[] x, double[] y, boolean dashed) {}

    /** A vertical marker at {@code x} with a label at its top (a phase boundary). */
    record Marker(double x, String label) {}

    /**
     * A line chart of time series: shared x axis (seconds), linear or log10 y axis from 0 (linear) or the smallest
     * positive value (log), vertical markers, legend below.
     */
    static void lines(Path file, String title, String xAxis, String yAxis, List<Line> lines, List<Marker> markers,
            boolean log) throws IOException {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, title);

        double xMin = Double.MAX_VALUE;
        double xMax = -Double.MAX_VALUE;
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (Line l : lines) {
            for (int i = 0; i < l.x().length; i++) {
                double y = l.y()[i];
                if (Double.isNaN(y) || Double.isInfinite(y) || log && y <= 0) {
                    continue;
                }
                xMin = Math.min(xMin, l.x()[i]);
                xMax = Math.max(xMax, l.x()[i]);
                yMax = Math.max(yMax, y);
                if (y > 0) {
                    yMin = Math.min(yMin, y);
                }
            }
        }
        if (xMin > xMax) {
            xMin = 0;
            xMax = 1;
        }
        if (yMax <= 0) {
            yMax = 1;
            yMin = 1;
        }
        double lo = log ? Math.floor(Math.log10(yMin)) : 0;
        double hi = log ? Math.max(lo + 1, Math.ceil(Math.log10(yMax) + 0.05)) : niceCeiling(yMax * 1.05);
        int plotH = HEIGHT - TOP - BOTTOM;
        int plotW = WIDTH - LEFT - RIGHT;
        double x0 = Math.floor(xMin);
        double x1 = Math.max(x0 + 1, Math.ceil(xMax));

        valueAxis(g, lo, hi, log, yAxis);
        FontMetrics fm = g.getFontMetrics();
        double step = niceCeiling((x1 - x0) / 10);
        for (double x = Math.ceil(x0 / step) * step; x <= x1 + 1e-9; x += step) {
            int px = LEFT + (int) Math.round(plotW * (x - x0) / (x1 - x0));
            g.setColor(Color.DARK_GRAY);
            g.drawLine(px, TOP + plotH, px, TOP + plotH + 4);
            String label = format(x);
            g.drawString(label, px - fm.stringWidth(label) / 2, TOP + plotH + 17);
        }
        g.setColor(Color.BLACK);
        g.drawString(xAxis, LEFT + plotW / 2 - fm.stringWidth(xAxis) / 2, TOP + plotH + 34);

        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
        for (Marker m : markers) {
            int px = LEFT + (int) Math.round(plotW * (m.x() - x0) / (x1 - x0));
            g.setColor(Color.GRAY);
            g.drawLine(px, TOP, px, TOP + plotH);
            int width = fm.stringWidth(m.label());
            g.drawString(m.label(), px + 4 + width > LEFT + plotW ? px - 4 - width : px + 4, TOP + 12);
        }
        double span = hi - lo;
        for (Line l : lines) {
            g.setColor(l.color());
            g.setStroke(l.dashed()
                    ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {7f, 5f}, 0f)
                    : new BasicStroke(2f));
            int prevX = Integer.MIN_VALUE;
            int prevY = 0;
            for (int i = 0; i < l.x().length; i++) {
                double y = l.y()[i];
                if (Double.isNaN(y) || Double.isInfinite(y) || log && y <= 0) {
                    prevX = Integer.MIN_VALUE;
                    continue;
                }
                double frac = log ? (Math.log10(y) - lo) / span : y / hi;
                int px = LEFT + (int) Math.round(plotW * (l.x()[i] - x0) / (x1 - x0));
                int py = TOP + plotH - (int) Math.round(plotH * Math.max(0, Math.min(1, frac)));
                if (prevX != Integer.MIN_VALUE) {
                    g.drawLine(prevX, prevY, px, py);
                } else if (i + 1 >= l.x().length || Double.isNaN(l.y()[i + 1])) {
                    g.fillOval(px - 2, py - 2, 5, 5);
                }
                prevX = px;
                prevY = py;
            }
        }

        g.setStroke(new BasicStroke(1));
        legend(g, lines.stream().map(Line::name).toList(), lines.stream().map(Line::color).toList(), true,
                HEIGHT - 34);
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /** A white canvas with antialiasing and {@code title} at the top. */
    private static Graphics2D canvas(BufferedImage img, String title) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 28);
        return g;
    }

    /**
     * The value axis from {@code lo} to {@code hi} (powers of ten on a log axis): grid lines and tick labels, both
     * axis lines and the rotated {@code axis} label. Leaves the small plain font set.
     */
    private static void valueAxis(Graphics2D g, double lo, double hi, boolean log, String axis) {
        int plotH = HEIGHT - TOP - BOTTOM;
        int plotW = WIDTH - LEFT - RIGHT;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        int ticks = log ? (int) (hi - lo) : 5;
        for (int i = 0; i <= ticks; i++) {
            double value = log ? Math.pow(10, lo + i) : hi * i / ticks;
            int y = TOP + plotH - (int) Math.round(plotH * (double) i / ticks);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            String label = format(value);
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
        g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(axis + (log ? " (log scale)" : ""), -(TOP + plotH / 2 + fm.stringWidth(axis) / 2), 18);
        g.setTransform(saved);
    }

    /** One entry per name, a box (or a line) of its colour before it; wraps to a second row at the right edge. */
    private static void legend(Graphics2D g, List<String> names, List<Color> colors, boolean line, int y) {
        int lx = LEFT;
        int ly = y;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i < names.size(); i++) {
            int width = 40 + g.getFontMetrics().stringWidth(names.get(i));
            if (lx > LEFT && lx + width > WIDTH - RIGHT) {
                lx = LEFT;
                ly += 20;
            }
            g.setColor(colors.get(i));
            if (line) {
                g.fillRect(lx, ly - 6, 14, 3);
            } else {
                g.fillRect(lx, ly - 10, 14, 12);
            }
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), lx + 20, ly);
            lx += width;
        }
    }

    /** 1.23M, 456k, 78.9, 0.12. */
    static String format(double v) {
        if (v >= 1e9) {
            return trim(v / 1e9) + "G";
        }
        if (v >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (v >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        String s = v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
