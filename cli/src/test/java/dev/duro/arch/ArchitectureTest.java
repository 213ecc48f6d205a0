package dev.duro.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The module layering of ARCHITECTURE.md and the determinism ban, checked on the compiled main
 * code of every module (the cli module's test classpath sees them all). Arrows point one way:
 * model &lt;- sim &lt;- faults; model &lt;- runtime-ref; scenarios, reports, deploy, cli on top;
 * testkit on scenarios and reports; examples on model alone (their tests use testkit).
 */
class ArchitectureTest {
    private static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() {
        mainClasses = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.duro");
        assertThat(mainClasses.stream().filter(c -> c.getPackageName().startsWith("dev.duro.model")))
                .as("the import must see model's classes, or every rule below passes vacuously")
                .isNotEmpty();
    }

    private static ArchRule moduleMayOnlyUse(String module, String... allowed) {
        String[] packages = new String[allowed.length + 2];
        packages[0] = "java..";
        packages[1] = module;
        System.arraycopy(allowed, 0, packages, 2, allowed.length);
        return classes().that().resideInAPackage(module)
                .should().onlyDependOnClassesThat().resideInAnyPackage(packages)
                .allowEmptyShould(true);
    }

    @Test
    @DisplayName("model depends on the JDK only")
    void modelIsJdkOnly() {
        moduleMayOnlyUse("dev.duro.model..").check(mainClasses);
    }

    @Test
    @DisplayName("sim depends on model and jimfs only")
    void simUsesModelAndJimfs() {
        moduleMayOnlyUse("dev.duro.sim..", "dev.duro.model..", "com.google.common.jimfs..").check(mainClasses);
    }

    @Test
    @DisplayName("faults depends on model and sim only")
    void faultsUsesModelAndSim() {
        moduleMayOnlyUse("dev.duro.faults..", "dev.duro.model..", "dev.duro.sim..").check(mainClasses);
    }

    @Test
    @DisplayName("runtime-ref depends on model, wire and SQLite only: never on sim, faults or Netty")
    void runtimeUsesModelOnly() {
        moduleMayOnlyUse("dev.duro.runtime..", "dev.duro.model..", "dev.duro.wire..", "org.sqlite..").check(mainClasses);
    }

    @Test
    @DisplayName("wire (the binary gateway protocol) depends on model only")
    void wireUsesModelOnly() {
        moduleMayOnlyUse("dev.duro.wire..", "dev.duro.model..").check(mainClasses);
    }

    @Test
    @DisplayName("client depends on model and wire only: no runtime, so no deployment secret")
    void clientUsesModelAndWireOnly() {
        moduleMayOnlyUse("dev.duro.client..", "dev.duro.model..", "dev.duro.wire..").check(mainClasses);
    }

    @Test
    @DisplayName("scenarios sits on model, sim, faults and runtime-ref")
    void scenariosLayering() {
        moduleMayOnlyUse("dev.duro.scenarios..", "dev.duro.model..", "dev.duro.sim..", "dev.duro.faults..",
                "dev.duro.runtime..", "dev.duro.wire..", "dev.duro.client..", "com.google.common.jimfs..").check(mainClasses);
    }

    @Test
    @DisplayName("testkit (jqwik for users' objects) sits on scenarios' kits, sim, reports and jqwik")
    void testkitLayering() {
        moduleMayOnlyUse("dev.duro.testkit..", "dev.duro.model..", "dev.duro.sim..", "dev.duro.scenarios.testkit..",
                "dev.duro.reports..", "net.jqwik.api..").check(mainClasses);
    }

    @Test
    @DisplayName("examples (objects written as a user would) use the platform API only")
    void examplesUseModelOnly() {
        moduleMayOnlyUse("dev.duro.examples..", "dev.duro.model..").check(mainClasses);
    }

    @Test
    @DisplayName("reports depends on model only")
    void reportsUsesModelOnly() {
        moduleMayOnlyUse("dev.duro.reports..", "dev.duro.model..").check(mainClasses);
    }

    @Test
    @DisplayName("deploy sits on model, runtime-ref, Netty and the JDK's javax.crypto; never on sim or faults")
    void deployLayering() {
        // javax.crypto: HMAC-SHA256 of node-to-node frames and of the deployment's entropy (docs/deploy.md)
        moduleMayOnlyUse("dev.duro.deploy..", "dev.duro.model..", "dev.duro.runtime..", "dev.duro.wire..", "io.netty..", "org.sqlite..",
                "javax.crypto..")
                .check(mainClasses);
    }

    @Test
    @DisplayName("simulated code touches no wall clock, unseeded randomness, threads, sockets or default filesystem")
    void simulatedCodeIsDeterministic() {
        classes().that().resideInAnyPackage(DeterminismRules.DETERMINISTIC_PACKAGES)
                .should(DeterminismRules.touchNoAmbientNondeterminism())
                .check(mainClasses);
    }

    /** The ban has teeth: each fixture below breaks it, and the rule must say so. */
    @Test
    @DisplayName("the determinism rule fails on each banned call and on an empty allowance reason")
    void determinismRuleCatchesBannedCalls() {
        JavaClasses fixtures = new ClassFileImporter().importPackages("dev.duro.arch.fixtures");
        EvaluationResult result = classes().that().resideInAPackage("dev.duro.arch.fixtures..")
                .should(DeterminismRules.touchNoAmbientNondeterminism())
                .evaluate(fixtures);
        String report = String.join("\n", result.getFailureReport().getDetails());
        assertThat(result.hasViolation()).as("fixtures must violate the rule").isTrue();
        assertThat(report)
                .contains("ReadsWallClock")
                .contains("System.currentTimeMillis")
                .contains("System.nanoTime")
                .contains("java.util.Random")
                .contains("UUID.randomUUID")
                .contains("Thread.start")
                .contains("Executors.newSingleThreadExecutor")
                .contains("CompletableFuture.supplyAsync")
                .contains("Paths.get")
                .contains("java.net.Socket")
                .contains("parallelStream")
                .contains("EmptyReason")
                .contains("@AllowNondeterminism has an empty reason");
        assertThat(report)
                .as("a reasoned allowance on the class, on the method, and on a lambda's declaring method is honoured")
                .doesNotContain("AllowedOnClass")
                .doesNotContain("AllowedOnMethod.reasoned");
    }
}
