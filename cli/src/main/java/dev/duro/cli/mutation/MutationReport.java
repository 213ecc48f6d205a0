package dev.duro.cli.mutation;

import dev.duro.cli.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/** The mutants of one PIT {@code mutations.xml} report. */
record MutationReport(Path file, List<Mutant> mutants) {
    /** One mutant: where PIT changed the bytecode, how, and what the tests made of it. */
    record Mutant(String className, String method, int line, String mutator, String description, String status, boolean detected) {
        /** The package's last segment ({@code dev.duro.runtime.cluster.Router} gives {@code cluster}). */
        String packageName() {
            String pkg = className.substring(0, Math.max(0, className.lastIndexOf('.')));
            return pkg.substring(pkg.lastIndexOf('.') + 1);
        }

        /** The top-level class's simple name (nested and lambda classes count as their outer class). */
        String simpleClass() {
            String simple = className.substring(className.lastIndexOf('.') + 1);
            int dollar = simple.indexOf('$');
            return dollar > 0 ? simple.substring(0, dollar) : simple;
        }

        String mutatorName() {
            return mutator.substring(mutator.lastIndexOf('.') + 1);
        }

        boolean survivedOrUncovered() {
            return !detected && ("SURVIVED".equals(status) || "NO_COVERAGE".equals(status));
        }
    }

    /** Reads {@code path}: a {@code mutations.xml}, or a directory holding one (PIT's report directory). */
    static MutationReport read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("mutations.xml") : path;
        if (!Files.isRegularFile(file)) {
            throw new UserError("no PIT report at '" + path + "': give a mutations.xml or the directory PIT wrote it to"
                    + " (runtime-ref/target/pit-reports after './duro test -pl runtime-ref -am -Pmutation')");
        }
        try (InputStream in = Files.newInputStream(file)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            // The default handler prints "[Fatal Error] ..." on stderr before throwing; the message goes in our one line instead.
            builder.setErrorHandler(new DefaultHandler() {
                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            NodeList nodes = builder.parse(in).getDocumentElement().getElementsByTagName("mutation");
            List<Mutant> mutants = new ArrayList<>(nodes.getLength());
            for (int i = 0; i < nodes.getLength(); i++) {
                Element m = (Element) nodes.item(i);
                mutants.add(new Mutant(text(m, "mutatedClass", file), text(m, "mutatedMethod", file),
                        Integer.parseInt(text(m, "lineNumber", file)), text(m, "mutator", file), text(m, "description", file),
                        m.getAttribute("status"), Boolean.parseBoolean(m.getAttribute("detected"))));
            }
            if (mutants.isEmpty()) throw new UserError("'" + file + "' holds no mutation: was PIT's run cut short?");
            return new MutationReport(file, List.copyOf(mutants));
        } catch (IOException | SAXException | ParserConfigurationException | NumberFormatException e) {
            throw new UserError("'" + file + "' is not a PIT mutations.xml report: " + e.getMessage());
        }
    }

    private static String text(Element m, String tag, Path file) {
        NodeList l = m.getElementsByTagName(tag);
        if (l.getLength() == 0) throw new UserError("'" + file + "': a mutation has no <" + tag + ">: not a PIT mutations.xml report");
        return l.item(0).getTextContent().trim();
    }
}
