package io.acquire.notebook.internal;

import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.messages.reply.KernelInfoReply;
import java.util.List;

/**
 * The base library's kernel_info_reply plus the {@code status} field that version 5 of
 * the messaging protocol requires and the library leaves out.
 */
public final class KernelInfo extends KernelInfoReply {
  @SuppressWarnings("unused") // serialised by the base library's Gson
  private final String status = "ok";

  public KernelInfo(String implementation, String version, LanguageInfo language, String banner) {
    super("5.3", implementation, version, language, banner, List.of());
  }
}
