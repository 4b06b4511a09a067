package io.starling.mqtt.topic;

import java.util.ArrayList;
import java.util.List;

/** Splits topic strings into levels, keeping empty levels ({@code "a//b"} has three, {@code "/"} has two). */
final class Levels {
    private Levels() {}

    static List<String> split(String value) {
        List<String> levels = new ArrayList<>(4);
        int start = 0;
        int slash;
        while ((slash = value.indexOf('/', start)) >= 0) {
            levels.add(value.substring(start, slash));
            start = slash + 1;
        }
        levels.add(value.substring(start));
        return levels;
    }

    static String[] splitToArray(String value) {
        int count = 1;
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == '/') {
                count++;
            }
        }
        String[] levels = new String[count];
        int start = 0;
        for (int i = 0; i < count - 1; i++) {
            int slash = value.indexOf('/', start);
            levels[i] = value.substring(start, slash);
            start = slash + 1;
        }
        levels[count - 1] = value.substring(start);
        return levels;
    }
}
