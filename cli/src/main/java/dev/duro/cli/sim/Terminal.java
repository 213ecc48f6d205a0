package dev.duro.cli.sim;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether a person is watching: stdin and stdout are a terminal. */
final class Terminal {
    private Terminal() {}

    static boolean interactive() {
        Console console = System.console();
        if (console == null) return false;
        // From JDK 22 on, System.console() can answer even when redirected; isTerminal() tells (absent on 21).
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
