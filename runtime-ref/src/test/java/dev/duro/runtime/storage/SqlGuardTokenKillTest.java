package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import dev.duro.model.storage.SqlStorage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guard edge cases that PIT mutants of SqlGuard survived at 51b1974 (docs/mutation-triage-storage.tsv):
 * where a number literal ends, which keywords end a FROM clause's table list, and texts whose
 * first character a scanner must not look before. Same setup as {@link SqlGuardEdgeTest}.
 */
class SqlGuardTokenKillTest {
    Harness h;
    SqlStorage sql;

    @BeforeEach
    void open() {
        h = new Harness();
        ObjectStore s = h.open();
        s.put("k", "v");
        sql = s.sql();
        sql.exec("CREATE TABLE t(a, b)");
        sql.exec("INSERT INTO t VALUES (1, 2)");
    }

    /** A number ends where SQLite ends it, so the name after it is seen (SQLite reads the platform table in the first two). */
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1. FROM _duro_kv", // numberEnd:404: the fraction stops at the first non-digit
            "SELECT 1--5'\nFROM _duro_kv --'", // numberEnd:406: only e/E opens an exponent, so "--" stays a comment
            "SELECT 1e FROM _duro_kv", // numberEnd:413: an 'e' no digit follows ends the number at the next non-identifier character
            "SELECT * FROM t, ('_duro_kv')"}) // checkNames:222: '(' after ',' in a table list keeps the list
    void theNameAfterANumberOrInAParenthesisedTableListIsSeen(String q) {
        h.assertRefused(ErrorCode.RESERVED_NAME, q);
    }

    /** Texts that start with the literal: SQLite's syntax error, never an index out of bounds in the guard. */
    @ParameterizedTest
    @ValueSource(strings = {"0x10", "007", ".5", "1e-5"}) // numberEnd:396 (Math), tokenize:332, numberEnd:410 (Math)
    void aQueryStartingWithANumberIsAnSqlError(String q) {
        h.assertRefused(ErrorCode.SQL_ERROR, q);
    }

    /** checkNames:228: ORDER ends the table list, so a string after ',' there is a value, not a table. */
    @Test
    void aStringAfterOrderByIsAValue() {
        assertThat(sql.exec("SELECT a FROM t ORDER BY a, '_duro_x'").raw()).containsExactly(List.of(1L));
    }

    /** tokenize:328: x' opens a blob only where a token starts with x; after a string, x is an alias. */
    @Test
    void anXRightAfterAStringIsAnAlias() {
        assertThat(sql.exec("SELECT 'a'x, 1 AS y").raw()).containsExactly(List.of("a", 1L));
    }
}
