package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Every ```java block in the getting-started guide and the embedding guide must be a copy of a
 * {@code // DOC-START name} ... {@code // DOC-END name} region of the example sources (leading indentation aside), so
 * the build compiles, and the example tests run, every sample the docs show.
 */
class DocSamplesTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path DOCS = MODULE.resolveSibling("docs");
    private static final Path EXAMPLES = MODULE.resolve("src/main/java/io/starling/mqtt/examples");
    private static final Pattern START = Pattern.compile("^\\s*// DOC-START (\\S+)\\s*$");
    private static final Pattern END = Pattern.compile("^\\s*// DOC-END (\\S+)\\s*$");
    private static final Pattern JAVA_BLOCK = Pattern.compile("^```java\\n(.*?)^```\\s*$",
            Pattern.MULTILINE | Pattern.DOTALL);

    @ParameterizedTest
    @ValueSource(strings = {"getting-started.md", "embedding.md"})
    void everyJavaSampleIsADocRegionOfTheExamples(String doc) throws IOException {
        Map<String, String> regions = regions();
        List<String> samples = javaBlocks(Files.readString(DOCS.resolve(doc), StandardCharsets.UTF_8));

        assertThat(samples).as("java samples in docs/%s", doc).isNotEmpty();
        for (String sample : samples) {
            assertThat(regions.values())
                    .as("docs/%s shows a sample that is no DOC-START/DOC-END region of %s:%n%s%nregions:%s",
                            doc, MODULE.relativize(EXAMPLES), sample, regions.keySet())
                    .contains(normalize(sample));
        }
    }

    @Test
    void regionsAreClosedAndUniquelyNamed() throws IOException {
        assertThat(regions()).containsKeys("hello", "builder", "lifecycle", "in-process-subscribe",
                "retained-late-subscriber", "authenticator", "authorizer", "secured-broker", "admin-sessions",
                "admin-disconnect", "admin-clear-retained");
    }

    @Test
    void theExtractorSeesThroughIndentation() {
        String doc = "text\n```java\nfoo();\nif (x) {\n    bar();\n}\n```\nmore\n```xml\n<a/>\n```\n";
        assertThat(javaBlocks(doc)).containsExactly("foo();\nif (x) {\n    bar();\n}\n");
        assertThat(normalize("        foo();\n        if (x) {\n            bar();\n        }\n"))
                .isEqualTo(normalize("foo();\nif (x) {\n    bar();\n}\n"));
    }

    /** Every region of every example source, by name, normalized; fails on unclosed or duplicate regions. */
    static Map<String, String> regions() throws IOException {
        Map<String, String> regions = new LinkedHashMap<>();
        List<Path> sources;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            sources = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path source : sources) {
            Map<String, List<String>> open = new LinkedHashMap<>();
            for (String line : Files.readAllLines(source, StandardCharsets.UTF_8)) {
                Matcher start = START.matcher(line);
                Matcher end = END.matcher(line);
                if (start.matches()) {
                    open.put(start.group(1), new ArrayList<>());
                } else if (end.matches()) {
                    List<String> body = open.remove(end.group(1));
                    assertThat(body).as("DOC-END %s in %s has no DOC-START", end.group(1), source).isNotNull();
                    String previous = regions.put(end.group(1), normalize(String.join("\n", body)));
                    assertThat(previous).as("DOC region %s is defined twice", end.group(1)).isNull();
                } else {
                    open.values().forEach(body -> body.add(line));
                }
            }
            assertThat(open).as("unclosed DOC-START regions in %s", source).isEmpty();
        }
        return regions;
    }

    static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(markdown.replace("\r\n", "\n"));
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** Removes the indentation all non-blank lines share, trailing blanks and blank lines at either end. */
    static String normalize(String code) {
        List<String> lines = new ArrayList<>(List.of(code.replace("\r\n", "\n").split("\n", -1)));
        lines.replaceAll(String::stripTrailing);
        while (!lines.isEmpty() && lines.get(0).isEmpty()) {
            lines.remove(0);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        int indent = lines.stream().filter(l -> !l.isEmpty())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return String.join("\n", lines.stream().map(l -> l.isEmpty() ? l : l.substring(indent)).toList());
    }
}
