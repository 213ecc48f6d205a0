package dev.duro.runtime.storage;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** The database wrapper on its own. */
class SqliteDbTest {
    @Test
    void closingTwiceIsHarmless() throws SQLException {
        SqliteDb db = SqliteDb.open(null);
        db.runUser("SELECT date('2024-01-01')", java.util.List.of()); // the date helper connection is open too
        assertThat(db.sizeBytes()).isPositive();
        db.close();
        db.close();
    }
}
