"""The vocabulary of governance: roles, visibilities, kinds, actions and modules, and the
default permission matrix administrators start from."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgRole(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    COMMUNITY_MANAGER = "community_manager", _("Community manager")
    MODERATOR = "moderator", _("Moderator")
    EMPLOYEE = "employee", _("Employee")
    GUEST = "guest", _("Guest")


class SpaceRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MODERATOR = "moderator", _("Moderator")
    MEMBER = "member", _("Member")
    READER = "reader", _("Reader")


# Ordered from most to least rights: used to say who may change whom.
SPACE_ROLE_RANK = {SpaceRole.OWNER: 3, SpaceRole.MODERATOR: 2, SpaceRole.MEMBER: 1,
                   SpaceRole.READER: 0}  # fmt: skip


class Visibility(models.TextChoices):
    OPEN = "open", _("Open")
    PRIVATE = "private", _("Private")
    SECRET = "secret", _("Secret")


# Closing is any step to the right: open -> private -> secret.
VISIBILITY_RANK = {Visibility.OPEN: 0, Visibility.PRIVATE: 1, Visibility.SECRET: 2}


class SpaceKind(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    TEAM = "team", _("Team")
    PROJECT = "project", _("Project")
    COMMUNITY = "community", _("Community")


class Module(models.TextChoices):
    FORUMS = "forums", _("Forums")
    KNOWLEDGE = "knowledge", _("Knowledge")
    BOARDS = "boards", _("Process boards")
    STORIES = "stories", _("Success stories")


class Action(models.TextChoices):
    VIEW = "view", _("View")
    POST = "post", _("Post")
    COMMENT = "comment", _("Comment")
    ASK_QUESTION = "ask_question", _("Ask a question")
    ANSWER = "answer", _("Answer")
    WRITE_ARTICLE = "write_article", _("Write an article")
    EDIT_OTHERS_ARTICLE = "edit_others_article", _("Edit others' articles")
    CREATE_BOARD = "create_board", _("Create a board")
    MOVE_CARD = "move_card", _("Move a card")
    PUBLISH_STORY = "publish_story", _("Publish a success story")
    INVITE = "invite", _("Invite")
    MANAGE_MEMBERS = "manage_members", _("Manage members")
    MODERATE = "moderate", _("Moderate")
    CHANGE_SETTINGS = "change_settings", _("Change settings")


ALL_ACTIONS = frozenset(Action.values)
ALL_ROLES = tuple(SpaceRole.values)

_O, _M, _ME, _R = SpaceRole.OWNER, SpaceRole.MODERATOR, SpaceRole.MEMBER, SpaceRole.READER
DEFAULT_MATRIX: dict[str, list[str]] = {
    Action.VIEW: [_O, _M, _ME, _R],
    Action.POST: [_O, _M, _ME],
    Action.COMMENT: [_O, _M, _ME],
    Action.ASK_QUESTION: [_O, _M, _ME],
    Action.ANSWER: [_O, _M, _ME],
    Action.WRITE_ARTICLE: [_O, _M, _ME],
    Action.EDIT_OTHERS_ARTICLE: [_O, _M],
    Action.CREATE_BOARD: [_O, _M],
    Action.MOVE_CARD: [_O, _M, _ME],
    Action.PUBLISH_STORY: [_O, _M],
    Action.INVITE: [_O, _M, _ME],
    Action.MANAGE_MEMBERS: [_O, _M],
    Action.MODERATE: [_O, _M],
    Action.CHANGE_SETTINGS: [_O],
}
# Actions guests never get, whatever the matrix says: they take part, they do not govern.
GUEST_EXCLUDED = frozenset(
    {Action.INVITE, Action.MANAGE_MEMBERS, Action.MODERATE, Action.CHANGE_SETTINGS,
     Action.EDIT_OTHERS_ARTICLE, Action.CREATE_BOARD, Action.PUBLISH_STORY}
)  # fmt: skip
