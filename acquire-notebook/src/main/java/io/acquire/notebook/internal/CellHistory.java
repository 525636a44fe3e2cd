package io.acquire.notebook.internal;

import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager;
import io.github.spencerpark.jupyter.messages.ContentType;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.ReplyType;
import io.github.spencerpark.jupyter.messages.reply.HistoryReply;
import io.github.spencerpark.jupyter.messages.request.HistoryRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The cells run in this kernel, for {@code history_request} (tail, range, search), as
 * IPython answers them: entries are (session, cell number, input) or, with output, (session,
 * cell number, [input, output or null]). The history lives as long as the kernel: this is
 * session {@value #SESSION}, and earlier sessions (other kernel processes) have none.
 * Thread-safe: the shell records, and requests may come while a cell runs.
 */
public final class CellHistory implements HistoryManager {
  public static final int SESSION = 1;

  private final List<Cell> cells = new ArrayList<>();

  private record Cell(int number, String input, String output) {}

  /** Records a cell as it starts; {@link #output} adds its result once there is one. */
  public synchronized void input(int number, String input) {
    cells.add(new Cell(number, input, null));
  }

  /** The text form of cell {@code number}'s result. */
  public synchronized void output(int number, String output) {
    for (int i = cells.size() - 1; i >= 0; i--) {
      if (cells.get(i).number() == number) {
        cells.set(i, new Cell(number, cells.get(i).input(), output));
        return;
      }
    }
  }

  @Override
  public synchronized List<HistoryEntry> lookupTail(int n, Set<ResultFlag> flags) {
    int count = n <= 0 ? cells.size() : Math.min(n, cells.size());
    return entries(cells.subList(cells.size() - count, cells.size()), flags);
  }

  /** Cells {@code start} up to but not including {@code stop} (to the end when stop is not after start). */
  @Override
  public synchronized List<HistoryEntry> lookupRange(int session, int start, int stop, Set<ResultFlag> flags) {
    if (session != 0 && session != SESSION) {
      return List.of();
    }
    List<Cell> range = cells.stream()
        .filter(c -> c.number() >= start && (stop <= start || c.number() < stop)).toList();
    return entries(range, flags);
  }

  /** The last {@code n} cells whose input matches the glob {@code pattern} ({@code *}, {@code ?}), oldest first. */
  @Override
  public synchronized List<HistoryEntry> search(String pattern, int n, Set<ResultFlag> flags) {
    Pattern glob = glob(pattern == null || pattern.isEmpty() ? "*" : pattern);
    List<Cell> matches = cells.stream().filter(c -> glob.matcher(c.input()).matches()).toList();
    if (flags.contains(ResultFlag.UNIQUE)) {
      Map<String, Cell> latest = new LinkedHashMap<>();
      for (Cell cell : matches) {
        latest.remove(cell.input());
        latest.put(cell.input(), cell);
      }
      matches = List.copyOf(latest.values());
    }
    if (n > 0 && matches.size() > n) {
      matches = matches.subList(matches.size() - n, matches.size());
    }
    return entries(matches, flags);
  }

  /**
   * The answer to a history_request. Written here rather than by the base library, whose
   * reply leaves out the {@code status} field the protocol requires and sends each entry as
   * an object instead of the (session, line, input) triple.
   */
  public Reply answer(HistoryRequest request) {
    Set<ResultFlag> flags = EnumSet.noneOf(ResultFlag.class);
    if (request.includeOutput()) {
      flags.add(ResultFlag.INCLUDE_OUTPUT);
    }
    List<HistoryEntry> entries = switch (request.getAccessType()) {
      case TAIL -> lookupTail(((HistoryRequest.Tail) request).getMaxReturnLength(), flags);
      case RANGE -> {
        HistoryRequest.Range range = (HistoryRequest.Range) request;
        yield lookupRange(range.getSessionIndex(), range.getStart(), range.getStop(), flags);
      }
      case SEARCH -> {
        HistoryRequest.Search search = (HistoryRequest.Search) request;
        if (search.filterUnique()) {
          flags.add(ResultFlag.UNIQUE);
        }
        yield search(search.getPattern(), search.getMaxReturnLength(), flags);
      }
    };
    return new Reply(entries.stream().map(e -> List.<Object>of(e.getSession(), e.getCellNumber(),
        e.hasOutput() ? Arrays.asList(e.getInput(), e.getOutput()) : e.getInput())).toList());
  }

  /** A history_reply as the protocol has it. */
  @SuppressWarnings("unused") // fields serialised by the base library's Gson
  public static final class Reply implements ContentType<Reply>, ReplyType<HistoryRequest> {
    private final String status = "ok";
    private final List<List<Object>> history;

    private Reply(List<List<Object>> history) {
      this.history = history;
    }

    /** The message type is history_reply's; only its name goes on the wire. */
    @Override
    @SuppressWarnings("unchecked")
    public MessageType<Reply> getType() {
      return (MessageType<Reply>) (MessageType<?>) HistoryReply.MESSAGE_TYPE;
    }

    @Override
    public MessageType<HistoryRequest> getRequestType() {
      return HistoryReply.REQUEST_MESSAGE_TYPE;
    }
  }

  private static List<HistoryEntry> entries(List<Cell> cells, Set<ResultFlag> flags) {
    boolean withOutput = flags.contains(ResultFlag.INCLUDE_OUTPUT);
    return cells.stream().map(c -> withOutput ? new WithOutput(c.number(), c.input(), c.output())
        : new HistoryEntry(SESSION, c.number(), c.input())).map(HistoryEntry.class::cast).toList();
  }

  private static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> regex.append("(?s:.*)");
        case '?' -> regex.append("(?s:.)");
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }

  /** An entry asked for with output: always the [input, output] pair, output null when the cell had none. */
  private static final class WithOutput extends HistoryEntry {
    WithOutput(int number, String input, String output) {
      super(SESSION, number, input, output);
    }

    @Override
    public boolean hasOutput() {
      return true;
    }
  }
}
