package io.starling.mqtt.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's headless Chromium, driven through the system's chromedriver (Debian packages {@code chromium} and
 * {@code chromium-driver}). Both paths are given to Selenium, so its Selenium Manager never runs and nothing is
 * downloaded. Absent browser, driver or mqtt.js bundle: the test is skipped with what to install, except under CI
 * ({@code CI=true}), where {@code .ci/run} installs them and a skip would hide a broken install, so it fails.
 */
final class Chromium {
    static final Path BROWSER = Path.of(System.getProperty("starling.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("starling.chromedriver", "/usr/bin/chromedriver"));

    /**
     * Selenium warns on every start that it has no DevTools (CDP) binding for this Chromium version; these tests use
     * only WebDriver, so the warning is noise. Held here so the logger (and its level) is not garbage collected.
     */
    private static final java.util.logging.Logger SELENIUM = java.util.logging.Logger.getLogger("org.openqa.selenium");

    static {
        SELENIUM.setLevel(java.util.logging.Level.SEVERE);
    }

    private Chromium() {}

    /** Skips (or, under CI, fails) the test unless Chromium, chromedriver and the mqtt.js bundle are all here. */
    static Path requireBrowserAndBundle() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(BROWSER)) {
            missing.add(BROWSER + " (apt-get install chromium, or -Dstarling.chromium=PATH)");
        }
        if (!Files.isExecutable(DRIVER)) {
            missing.add(DRIVER + " (apt-get install chromium-driver, or -Dstarling.chromedriver=PATH)");
        }
        if (MqttJsBundle.find().isEmpty()) {
            missing.add("the mqtt.js bundle at " + MqttJsBundle.expectedLocation() + " (" + MqttJsBundle.HOW_TO_GET + ")");
        }
        String message = "browser test needs " + String.join("; ", missing) + ". .ci/run installs all of them.";
        if ("true".equals(System.getenv("CI"))) {
            assertThat(missing).as(message).isEmpty();
        } else {
            Assumptions.assumeTrue(missing.isEmpty(), message);
        }
        return MqttJsBundle.find().orElseThrow();
    }

    /** A fresh headless browser with its own profile directory under {@code profiles}. */
    static WebDriver start(Path profiles) throws IOException {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
                // CI runs as root, where Chromium's sandbox cannot start.
                "--no-sandbox",
                "--user-data-dir=" + Files.createTempDirectory(profiles, "chromium-profile"));
        return new ChromeDriver(service, options);
    }
}
