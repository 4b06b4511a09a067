package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README shows the code and commands that really exist. */
@Timeout(30)
class ReadmeExampleTest {
    private static final Path MODULE = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    private static final Path README = MODULE.resolve("../README.md").normalize();
    private static final Path EXAMPLE = MODULE.resolve("src/main/java/io/starling/mqtt/examples/EmbeddedExample.java");

    private static List<String> readme() throws IOException {
        assertThat(README).isRegularFile();
        return Files.readAllLines(README, StandardCharsets.UTF_8);
    }

    /** The lines of the first fenced block opened by {@code fence} after {@code heading}, before the next heading. */
    private static List<String> codeBlock(List<String> lines, String heading, String fence) {
        int start = lines.indexOf(heading);
        assertThat(start).as("README heading %s", heading).isNotNegative();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            if (lines.get(i).strip().equals(fence)) {
                List<String> block = new ArrayList<>();
                for (int j = i + 1; j < lines.size(); j++) {
                    if (lines.get(j).strip().equals("```")) {
                        return block;
                    }
                    block.add(lines.get(j));
                }
                throw new AssertionError("unclosed " + fence + " block under " + heading);
            }
        }
        throw new AssertionError("no " + fence + " block under " + heading);
    }

    /** The lines of every fenced block without a language (the shell commands). */
    private static List<String> commandLines(List<String> lines) {
        List<String> commands = new ArrayList<>();
        boolean inCommand = false;
        boolean inOther = false;
        for (String line : lines) {
            String s = line.strip();
            if (inCommand || inOther) {
                if (s.equals("```")) {
                    inCommand = false;
                    inOther = false;
                } else if (inCommand && !s.isEmpty()) {
                    commands.add(s);
                }
            } else if (s.equals("```")) {
                inCommand = true;
            } else if (s.startsWith("```")) {
                inOther = true;
            }
        }
        return commands;
    }

    private static String dedent(List<String> lines) {
        return String.join("\n", lines).stripIndent().strip();
    }

    @Test
    @DisplayName("the java block under '## Embedding' is EmbeddedExample's code between the README-EXAMPLE markers")
    void embeddingExampleMatchesSource() throws IOException {
        List<String> source = Files.readAllLines(EXAMPLE, StandardCharsets.UTF_8);
        int start = -1;
        int end = -1;
        for (int i = 0; i < source.size(); i++) {
            if (source.get(i).strip().equals("// README-EXAMPLE-START")) {
                start = i;
            } else if (source.get(i).strip().equals("// README-EXAMPLE-END")) {
                end = i;
            }
        }
        assertThat(start).as("README-EXAMPLE-START in %s", EXAMPLE).isNotNegative();
        assertThat(end).as("README-EXAMPLE-END after the start").isGreaterThan(start + 1);

        String fromSource = dedent(source.subList(start + 1, end));
        String fromReadme = dedent(codeBlock(readme(), "## Embedding", "```java"));
        assertThat(fromReadme).isEqualTo(fromSource);
    }

    @Test
    @DisplayName("the README's commands are exactly the package-and-run and the verify commands")
    void readmeCommands() throws IOException {
        assertThat(commandLines(readme())).containsExactly(
                "mvn -B -q package -DskipTests && java -jar broker-examples/target/starling-broker.jar",
                "mvn -B install && mvn -B -f broker-examples/consumer-sample/pom.xml verify");
    }

    @Test
    @DisplayName("the README documents the launcher's options and its listening line as the launcher prints them")
    void readmeLauncherOptions() throws IOException {
        String readme = String.join("\n", readme());
        String options = StandaloneBroker.USAGE.substring(StandaloneBroker.USAGE.indexOf("starling-broker.jar ")
                + "starling-broker.jar ".length());
        assertThat(options).isEqualTo("[--host ADDR] [--port N] [--ws-port N] [--config FILE] [--data-dir DIR | --in-memory]");
        assertThat(readme).contains("java -jar broker-examples/target/starling-broker.jar " + options);
        assertThat(readme).contains("`Starling MQTT broker listening on HOST:PORT`");
    }
}
