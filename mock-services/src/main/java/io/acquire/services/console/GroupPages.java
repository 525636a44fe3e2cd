package io.acquire.services.console;

import static io.acquire.services.console.Html.url;
import static io.acquire.services.http.HtmlText.escape;

import io.acquire.client.Group;
import io.acquire.client.User;
import io.acquire.services.console.Console.Session;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;

/**
 * The groups page: the groups you own or belong to with their members, and for your own a
 * form to add a member and a "Remove" button per member. A drive shared with a group reaches
 * its members (shared from a drive's page, or with {@code acquire drive share --group}).
 */
final class GroupPages {
  void groups(Context ctx, Session session, User user) {
    List<Group> groups = Group.list(user);
    StringBuilder body = new StringBuilder();
    if (groups.isEmpty()) {
      body.append("<p id=\"groups\">No groups yet.</p>");
    }
    for (Group group : groups) {
      String base = "/console/groups/" + url(group.id());
      boolean own = group.owner().equals(user.username());
      body.append("<section class=\"group\" aria-labelledby=\"group-").append(escape(group.id())).append("\"><h2 id=\"group-")
          .append(escape(group.id())).append("\">").append(escape(group.name())).append("</h2><p>Owner ")
          .append(escape(group.owner())).append("</p><table class=\"members\"><thead><tr><th scope=\"col\">Member</th>")
          .append("<th scope=\"col\">Action</th></tr></thead><tbody>");
      for (String member : group.members()) {
        body.append("<tr><td>").append(escape(member)).append("</td><td>");
        if (own && !member.equals(group.owner())) {
          body.append(Html.form(base + "/remove", session.csrf, Html.hidden("username", member)
              + "<button class=\"secondary\" aria-label=\"Remove " + escape(member) + " from " + escape(group.name())
              + "\">Remove</button>"));
        }
        body.append("</td></tr>");
      }
      body.append("</tbody></table>");
      if (own) {
        String field = "add-" + escape(group.id());
        body.append(Html.form(base + "/add", session.csrf, "<label for=\"" + field + "\">Add a member to "
            + escape(group.name()) + " (username)</label><input id=\"" + field + "\" name=\"username\" type=\"text\" "
            + "required maxlength=\"64\"><button aria-label=\"Add to " + escape(group.name()) + "\">Add</button>"));
      }
      body.append("</section>");
    }
    body.append("<h2>New group</h2>").append(Html.form("/console/groups", session.csrf,
        Html.input("group-name", "Name", "text", "required maxlength=\"64\"") + Html.button("create-group", "Create")));
    Html.render(ctx, 200, "Groups", user.username(), session.csrf, body.toString());
  }

  void create(Context ctx, Session session, User user) {
    Group.create(user, Pages.required(ctx, "group-name", "a name for the group"));
    ctx.redirect("/console/groups", HttpStatus.SEE_OTHER);
  }

  void add(Context ctx, Session session, User user) {
    Group.byId(user, ctx.pathParam("group")).add(Pages.required(ctx, "username", "the username to add"));
    ctx.redirect("/console/groups", HttpStatus.SEE_OTHER);
  }

  void remove(Context ctx, Session session, User user) {
    Group.byId(user, ctx.pathParam("group")).remove(Pages.required(ctx, "username", "the username to remove"));
    ctx.redirect("/console/groups", HttpStatus.SEE_OTHER);
  }
}
