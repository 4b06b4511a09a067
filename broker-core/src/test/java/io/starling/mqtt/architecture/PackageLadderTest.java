package io.starling.mqtt.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Core's packages form a ladder: each may use only those before it (ARCHITECTURE.md). {@code auth} may use
 * {@code api} and {@code topic}. Checked on the imports of the main sources, so a violation names file and line.
 */
@Timeout(30)
class PackageLadderTest {
    private static final List<String> LADDER =
            List.of("topic", "api", "packet", "spi", "flow", "session", "delivery", "protocol", "engine");
    private static final Pattern PACKAGE = Pattern.compile("^package io\\.starling\\.mqtt\\.(\\w+)");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.starling\\.mqtt\\.(\\w+)\\.");
    private static final Path SOURCES = Path.of("src/main/java/io/starling/mqtt");

    private static int rank(String pkg) {
        return pkg.equals("auth") ? LADDER.indexOf("api") : LADDER.indexOf(pkg);
    }

    @Test
    @DisplayName("no core package imports one above it on the ladder; nothing imports Netty")
    void packagesFollowTheLadder() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                String own = null;
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    Matcher p = PACKAGE.matcher(line);
                    if (p.find()) {
                        own = p.group(1);
                        assertThat(LADDER.contains(own) || own.equals("auth")).as("package %s of %s is on the ladder", own, file).isTrue();
                    }
                    if (line.startsWith("import io.netty")) {
                        violations.add(file + ":" + (i + 1) + " imports Netty");
                    }
                    Matcher m = IMPORT.matcher(line);
                    if (m.find() && own != null && rank(m.group(1)) > rank(own)) {
                        violations.add(file + ":" + (i + 1) + " (" + own + ") imports " + m.group(1));
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    @DisplayName("every core package has a package-info.java")
    void everyPackageIsDocumented() throws IOException {
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            List<Path> undocumented = dirs.filter(Files::isDirectory)
                    .filter(d -> !Files.exists(d.resolve("package-info.java"))).toList();
            assertThat(undocumented).isEmpty();
        }
    }
}
