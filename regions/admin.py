from django.contrib import admin

from regions.models import Affiliation, Block, Region


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
