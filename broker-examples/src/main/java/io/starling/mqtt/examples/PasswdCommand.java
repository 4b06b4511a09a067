package io.starling.mqtt.examples;

import io.starling.mqtt.auth.PasswordFile;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * {@code java -jar starling-broker.jar passwd}: adds, changes or deletes a user in a password file, as Mosquitto's
 * {@code mosquitto_passwd} does and in its format, so the file serves Starling ({@code password_file}) and Mosquitto
 * alike. Other lines of the file stay as they were; the file is replaced atomically and left {@code rw-------}.
 */
public final class PasswdCommand {
    static final String USAGE = "usage: java -jar starling-broker.jar passwd [-c] [-b] [-D] FILE USER [PASSWORD]";
    static final String HELP = USAGE + "\n"
            + "Adds USER to the password FILE, or changes USER's password, in mosquitto_passwd's format.\n"
            + "  -c  create FILE; an existing FILE is replaced\n"
            + "  -b  batch mode: PASSWORD comes from the command line (other users can see it in the process list)\n"
            + "  -D  delete USER from FILE\n"
            + "Without -b the password is asked for twice on the console or, with no console, read as two lines of\n"
            + "standard input.";
    private static final String PREFIX = "starling passwd: ";

    private PasswdCommand() {}

    /**
     * Runs the command; {@code args} are those after {@code passwd}. Returns the exit code: 0 when done (printing
     * nothing, as mosquitto_passwd), 1 with a one-line reason on {@code err} otherwise. Never prints a password.
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        try {
            return execute(args, in, out, err);
        } catch (Failure f) {
            err.println(PREFIX + f.getMessage());
            return 1;
        }
    }

    private static int execute(String[] args, InputStream in, PrintStream out, PrintStream err) {
        boolean create = false;
        boolean batch = false;
        boolean delete = false;
        int i = 0;
        options:
        for (; i < args.length; i++) {
            switch (args[i]) {
                case "-c" -> create = true;
                case "-b" -> batch = true;
                case "-D" -> delete = true;
                case "-h", "--help" -> {
                    out.println(HELP);
                    return 0;
                }
                case "--" -> {
                    i++;
                    break options;
                }
                default -> {
                    if (args[i].startsWith("-") && args[i].length() > 1) {
                        throw usage("unknown option '" + args[i] + "'");
                    }
                    break options;
                }
            }
        }
        if (create && delete) {
            throw usage("-c and -D cannot be used together");
        }
        if (batch && delete) {
            throw usage("-b and -D cannot be used together");
        }
        int operands = args.length - i;
        if (batch && operands != 3) {
            throw usage("-b needs FILE, USER and PASSWORD");
        }
        if (!batch && operands == 3) {
            throw usage("a PASSWORD on the command line needs -b");
        }
        if (!batch && operands != 2) {
            throw usage("expected FILE and USER");
        }
        Path file = path(args[i]);
        String user = args[i + 1];
        try {
            PasswordFile.checkUserName(user);
        } catch (IllegalArgumentException e) {
            throw new Failure(e.getMessage());
        }

        // Read before asking for a password, so that a wrong FILE is reported first.
        PasswordFile current = create ? PasswordFile.empty() : read(file);
        if (delete) {
            if (!current.contains(user)) {
                throw new Failure("user '" + user + "' not found in " + file);
            }
            write(current.withoutUser(user), file);
            return 0;
        }
        char[] password;
        if (batch) {
            err.println(PREFIX + "warning: a password given with -b is visible to other users in the process list "
                    + "and may be kept in your shell history");
            password = args[i + 2].toCharArray();
        } else {
            password = askTwice(in);
        }
        PasswordFile updated;
        try {
            updated = current.withUser(user, password, new SecureRandom());
        } catch (IllegalArgumentException e) {
            throw new Failure(e.getMessage());
        } finally {
            Arrays.fill(password, '\0');
        }
        write(updated, file);
        return 0;
    }

    private static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new Failure("bad FILE '" + text + "': " + e.getReason());
        }
    }

    private static PasswordFile read(Path file) {
        try {
            return PasswordFile.read(file);
        } catch (NoSuchFileException e) {
            throw new Failure(file + " does not exist; -c creates it");
        } catch (IOException e) {
            throw new Failure("cannot read " + file + ": " + reason(e));
        } catch (IllegalArgumentException e) {
            // Already names the file and the line.
            throw new Failure(e.getMessage());
        }
    }

    private static void write(PasswordFile content, Path file) {
        try {
            content.write(file);
        } catch (IOException e) {
            throw new Failure("cannot write " + file + ": " + reason(e));
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /**
     * The password, typed twice: on the console when there is one (without echo), else two lines of {@code in}, read
     * as UTF-8 without prompts so that scripts can pipe them in.
     */
    private static char[] askTwice(InputStream in) {
        Console console = System.console();
        char[] first = null;
        char[] second = null;
        try {
            if (console != null && in == System.in) {
                first = console.readPassword("Password: ");
                second = first == null ? null : console.readPassword("Reenter password: ");
            } else {
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
                first = readLine(reader);
                second = first == null ? null : readLine(reader);
            }
            if (first == null || second == null) {
                throw new Failure("no password given: type it twice, or pass two lines on standard input");
            }
            if (!Arrays.equals(first, second)) {
                throw new Failure("passwords do not match");
            }
            if (first.length == 0) {
                throw new Failure("empty password refused; use -b FILE USER \"\" to set an empty one");
            }
            char[] password = first;
            first = null;
            return password;
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    /** One line without its terminator (LF or CRLF); null at end of input. Zeroes every buffer it drops. */
    private static char[] readLine(Reader reader) {
        char[] buffer = new char[64];
        int length = 0;
        try {
            int c;
            while ((c = reader.read()) != -1 && c != '\n') {
                if (length == buffer.length) {
                    char[] bigger = Arrays.copyOf(buffer, length * 2);
                    Arrays.fill(buffer, '\0');
                    buffer = bigger;
                }
                buffer[length++] = (char) c;
            }
            if (c == -1 && length == 0) {
                return null;
            }
        } catch (IOException e) {
            Arrays.fill(buffer, '\0');
            throw new Failure("cannot read the password from standard input: " + e.getMessage());
        }
        if (length > 0 && buffer[length - 1] == '\r') {
            length--;
        }
        char[] line = Arrays.copyOf(buffer, length);
        Arrays.fill(buffer, '\0');
        return line;
    }

    private static Failure usage(String reason) {
        return new Failure(reason + "\n" + USAGE);
    }

    /** A reason to stop with exit code 1; its message is printed after the command's name. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }
}
