"""Categories are configuration: supervisors manage them in the admin.

Articles are edited in the console editor (kb:editor), which renders,
indexes and keeps the history; they are not registered here so nobody
bypasses that.
"""

from django.contrib import admin

from atiende.kb.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_es", "name_en", "parent", "position", "slug"]
    list_filter = ["parent"]
    prepopulated_fields = {"slug": ["name_es"]}
    search_fields = ["name_es", "name_en"]
    ordering = ["parent__name_es", "position", "name_es"]
