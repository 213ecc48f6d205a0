package dev.duro.scenarios.chat;

import dev.duro.sim.run.FailureClass;
import dev.duro.sim.run.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The chat room's properties over what members observed (pure; unit-tested).
 * <ul>
 *   <li>H1 (order) on every connection, the live broadcasts arrive with consecutive seqs: each
 *       message once, in order, none skipped from the member's join point on.</li>
 *   <li>H2 (durability) every message a member saw (live, resent or in history) is in the final
 *       log at the seq it was seen with: nothing shown to anyone is later lost or renumbered.</li>
 *   <li>H3 (log) the final log holds seqs 1..n without holes, each msgId once, each posted by the
 *       member it names.</li>
 *   <li>H4 (P2) every acknowledged post (its sender saw it come back) is in the final log.</li>
 *   <li>H5 (catch-up) after its final history request, each member holds every message up to
 *       the seq that request reported, exactly as in the log.</li>
 * </ul>
 */
final class ChatChecks {
    private ChatChecks() {}

    /** A message as seen: seq, member, msgId. */
    record Seen(long seq, String member, String msgId) {
        static Seen parse(String[] p, int from) {
            return new Seen(Long.parseLong(p[from]), p[from + 1], p[from + 2]);
        }
    }

    /** What one member observed. */
    record MemberView(String member, List<List<Long>> liveSeqsPerConnection, List<Seen> seen, Set<String> posted,
                      Set<String> acknowledged, long finalHistMax, boolean finalDone) {}

    static List<Violation> check(List<MemberView> members, List<Seen> finalLog) {
        List<Violation> out = new ArrayList<>();
        for (MemberView m : members) {
            for (int c = 0; c < m.liveSeqsPerConnection().size(); c++) {
                List<Long> seqs = m.liveSeqsPerConnection().get(c);
                for (int i = 1; i < seqs.size(); i++) {
                    if (seqs.get(i) != seqs.get(i - 1) + 1) {
                        out.add(new Violation("H1", FailureClass.SAFETY, m.member() + " connection " + c + ": live message "
                                + seqs.get(i) + " arrived right after " + seqs.get(i - 1) + " (expected " + (seqs.get(i - 1) + 1) + ")"));
                        break;
                    }
                }
            }
        }
        if (finalLog == null) return out;
        SortedMap<Long, Seen> log = new TreeMap<>();
        Map<String, Seen> byId = new TreeMap<>();
        Map<String, String> poster = new TreeMap<>();
        for (MemberView m : members) for (String id : m.posted()) poster.put(id, m.member());
        long expect = 1;
        for (Seen s : finalLog) {
            if (s.seq() != expect) {
                out.add(new Violation("H3", FailureClass.SAFETY, "final log has seq " + s.seq() + " where " + expect + " belongs"));
            }
            expect = s.seq() + 1;
            log.put(s.seq(), s);
            if (byId.put(s.msgId(), s) != null) {
                out.add(new Violation("H3", FailureClass.SAFETY, "message " + s.msgId() + " is in the final log twice"));
            }
            if (!s.member().equals(poster.get(s.msgId()))) {
                out.add(new Violation("H3", FailureClass.SAFETY, "final log holds " + s + ", which " + s.member() + " never posted"));
            }
        }
        for (MemberView m : members) {
            int reported = 0;
            for (Seen s : m.seen()) {
                Seen l = log.get(s.seq());
                if (!s.equals(l) && reported++ < 3) {
                    out.add(new Violation("H2", FailureClass.SAFETY, m.member() + " saw " + s + ", but the final log has "
                            + (l == null ? "no message" : l) + " at seq " + s.seq()));
                }
            }
            for (String id : m.acknowledged()) {
                if (!byId.containsKey(id)) {
                    out.add(new Violation("H4", FailureClass.SAFETY, m.member() + "'s post " + id
                            + " came back acknowledged but is not in the final log"));
                }
            }
            if (m.finalDone()) {
                SortedMap<Long, Seen> view = new TreeMap<>();
                for (Seen s : m.seen()) view.put(s.seq(), s);
                for (long seq = 1; seq <= m.finalHistMax(); seq++) {
                    if (!view.containsKey(seq)) {
                        out.add(new Violation("H5", FailureClass.SAFETY, m.member() + " lacks message " + seq
                                + " after catching up to " + m.finalHistMax()));
                        break;
                    }
                }
            }
        }
        return out;
    }
}
