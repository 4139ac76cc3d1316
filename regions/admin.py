from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user

from regions.models import Affiliation, Block, Region
from regions.roles import ROLE_LABELS


class RegionInline(admin.TabularInline):
    model = Region
    fields = ["code", "name_ja", "name_en", "kind"]
    extra = 0
    show_change_link = True


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "bureau_ja", "order"]
    inlines = [RegionInline]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "kind", "block"]
    list_filter = ["block", "kind"]
    search_fields = ["code", "name_ja", "name_en"]
    list_select_related = ["block"]


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["user", "block", "region"]
    list_filter = ["block"]
    list_select_related = ["user", "block", "region"]
    autocomplete_fields = ["region"]


class AffiliationInline(admin.StackedInline):
    model = Affiliation
    fields = ["block", "region"]
    autocomplete_fields = ["region"]
    extra = 0
    max_num = 1


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Central staff assign users to a role (group) and a block or region. Only administrators grant
    administrator rights or single permissions, or touch administrators' accounts."""

    inlines = [AffiliationInline]
    list_display = ["username", "first_name", "email", "role_names", "affiliation", "is_active"]
    list_select_related = ["affiliation__block", "affiliation__region"]

    ADMIN_ONLY_FIELDS = ("is_superuser", "user_permissions")

    def get_queryset(self, request):
        users = super().get_queryset(request).prefetch_related("groups")
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in self.ADMIN_ONLY_FIELDS]})
            for name, options in fieldsets
        ]

    actions = ["reset_second_factor"]

    @admin.action(
        description=_("二段階認証をリセットする（認証アプリの登録とバックアップコードを削除）"),
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request, queryset):
        """For a user who lost both the phone and the backup codes: the devices are deleted, and the
        user enrols again at the next log-in (required roles cannot open anything else until then)."""
        users = list(queryset)
        deleted = 0
        for user in users:
            for device in devices_for_user(user, confirmed=None):
                device.delete()
                deleted += 1
        self.message_user(
            request,
            _(
                "%(users)d人の二段階認証をリセットしました（削除した登録: %(devices)d件）。次回のログインで登録し直します。"
            )
            % {"users": len(users), "devices": deleted},
        )

    def has_reset_second_factor_permission(self, request) -> bool:
        # administrators only: central staff manage roles, not another person's log-in
        return request.user.is_superuser

    @admin.display(description=_("役割"))
    def role_names(self, user):
        return "、".join(str(ROLE_LABELS.get(group.name, group.name)) for group in user.groups.all())
