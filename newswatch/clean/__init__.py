"""newswatch.clean"""
