<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name></name>
    <message numerus="yes">
        <source>✓ %n model(s): {models}</source>
        <translation>
            <numerusform>✓ %n model: {models}</numerusform>
            <numerusform>✓ %n models: {models}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Waiting for %n request(s) from another app to finish…</source>
        <translation>
            <numerusform>Waiting for %n request from another app to finish…</numerusform>
            <numerusform>Waiting for %n requests from another app to finish…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n chat(s) to {path}</source>
        <translation>
            <numerusform>Exported %n chat to {path}</numerusform>
            <numerusform>Exported %n chats to {path}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>; %n already here</source>
        <translation>
            <numerusform>; %n already here</numerusform>
            <numerusform>; %n already here</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n chat(s)</source>
        <translation>
            <numerusform>Imported %n chat</numerusform>
            <numerusform>Imported %n chats</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> (%n message(s))</source>
        <translation>
            <numerusform> (%n message)</numerusform>
            <numerusform> (%n messages)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DownloadPanel</name>
    <message numerus="yes">
        <source>%n repositories.</source>
        <translation>
            <numerusform>%n repository.</numerusform>
            <numerusform>%n repositories.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> (%n part(s))</source>
        <translation>
            <numerusform> (%n part)</numerusform>
            <numerusform> (%n parts)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LibraryModel</name>
    <message numerus="yes">
        <source> (%n file(s))</source>
        <extracomment>The entry of a row, for any column (a ModelEntry).</extracomment>
        <translation>
            <numerusform> (%n file)</numerusform>
            <numerusform> (%n files)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LoadSettingsDialog</name>
    <message numerus="yes">
        <source>Cleared: %n chat(s), {size} MB.</source>
        <translation>
            <numerusform>Cleared: %n chat, {size} MB.</numerusform>
            <numerusform>Cleared: %n chats, {size} MB.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>On disk now: %n chat(s), {size} MB.</source>
        <translation>
            <numerusform>On disk now: %n chat, {size} MB.</numerusform>
            <numerusform>On disk now: %n chats, {size} MB.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelsView</name>
    <message numerus="yes">
        <source>Added %n model(s).</source>
        <translation>
            <numerusform>Added %n model.</numerusform>
            <numerusform>Added %n models.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatusLine</name>
    <message numerus="yes">
        <source>The context is full: %n older message(s) (#{numbers}) no longer reach the model.</source>
        <translation>
            <numerusform>The context is full: %n older message (#{numbers}) no longer reaches the model.</numerusform>
            <numerusform>The context is full: %n older messages (#{numbers}) no longer reach the model.</numerusform>
        </translation>
    </message>
</context>
</TS>
